package dev.st4j.server;

import java.time.Duration;

/**
 * Settings of an {@link EmbeddingServer}: where it listens and the limits that keep one client from stalling the
 * others. Build with {@link #builder()}; every limit is checked when it is set.
 *
 * @param host address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for every interface)
 * @param port TCP port; 0 picks a free one ({@link EmbeddingServer#port()} tells which)
 * @param maxBatchTokens tokens per batch the batcher hands to {@code encode} (TEI's {@code --max-batch-tokens})
 * @param maxBatchRequests texts per forward pass (TEI's {@code --max-batch-requests}); each pass answers its
 *     requests as it ends
 * @param maxClientBatch inputs one request may hold (413 beyond it); larger client batches than a model batch are
 *     split internally and answered in order
 * @param maxBodyBytes request body limit (413 beyond it)
 * @param maxQueuedTokens tokens waiting per model before requests get 429 with {@code Retry-After}
 * @param maxConcurrentRequests requests handled at once (virtual threads); further connections wait in Jetty
 * @param stopTimeout how long a graceful stop waits for requests in flight and queued work
 * @param requestTimeout how long one request may wait for a lazy load, in the queue and in inference; past it the
 *     request gets 503 (its queued work is dropped unrun) or 504 (it was computing); null for no limit
 */
public record ServerOptions(String host, int port, int maxBatchTokens, int maxBatchRequests, int maxClientBatch, long maxBodyBytes,
        long maxQueuedTokens, int maxConcurrentRequests, Duration stopTimeout, Duration requestTimeout) {

    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be an address such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        positive("maxBatchTokens", maxBatchTokens);
        positive("maxBatchRequests", maxBatchRequests);
        positive("maxClientBatch", maxClientBatch);
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxQueuedTokens", maxQueuedTokens);
        positive("maxConcurrentRequests", maxConcurrentRequests);
        if (stopTimeout == null || stopTimeout.isNegative()) {
            throw new IllegalArgumentException("stopTimeout must be zero or positive");
        }
        if (requestTimeout != null && (requestTimeout.isNegative() || requestTimeout.isZero())) {
            throw new IllegalArgumentException("requestTimeout must be positive (or null for none), got "
                    + requestTimeout);
        }
    }

    /** The deadline ({@link System#nanoTime()} based) of a request that starts at {@code startNanos}. */
    long deadline(long startNanos) {
        return requestTimeout == null ? Long.MAX_VALUE : startNanos + requestTimeout.toNanos();
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link ServerOptions}; defaults: 127.0.0.1:8080, 16,384 batch tokens (TEI's), 32 texts per pass, 2,048
     * inputs per request, 8 MiB bodies.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private int maxBatchTokens = 16_384;
        private int maxBatchRequests = 32;
        private int maxClientBatch = 2_048;
        private long maxBodyBytes = 8L << 20;
        private Long maxQueuedTokens;
        private int maxConcurrentRequests = 512;
        private Duration stopTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout;

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder maxBatchTokens(int maxBatchTokens) {
            this.maxBatchTokens = maxBatchTokens;
            return this;
        }

        /** Default: 32, the library's batch size (enough rows per matmul; more only delays answers). */
        public Builder maxBatchRequests(int maxBatchRequests) {
            this.maxBatchRequests = maxBatchRequests;
            return this;
        }

        public Builder maxClientBatch(int maxClientBatch) {
            this.maxClientBatch = maxClientBatch;
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Default: 64 batches' worth ({@code 64 * maxBatchTokens}). */
        public Builder maxQueuedTokens(long maxQueuedTokens) {
            this.maxQueuedTokens = maxQueuedTokens;
            return this;
        }

        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = stopTimeout;
            return this;
        }

        /** Default: none (a request waits as long as its client does). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public ServerOptions build() {
            long queued = maxQueuedTokens != null ? maxQueuedTokens : 64L * Math.max(1, maxBatchTokens);
            return new ServerOptions(host, port, maxBatchTokens, maxBatchRequests, maxClientBatch, maxBodyBytes, queued,
                    maxConcurrentRequests, stopTimeout, requestTimeout);
        }
    }
}
