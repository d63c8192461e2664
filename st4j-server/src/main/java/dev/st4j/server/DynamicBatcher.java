package dev.st4j.server;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's queue, shared by every request for that model, and the single thread that feeds it to the model
 * (TEI's queue). Consecutive encode jobs with the same options are merged into one {@code encode} call of at most
 * {@code maxBatchTokens} tokens, so concurrent single-text clients share forward passes; {@code encode} itself sorts
 * the merged texts by length. A client batch larger than a model batch is split into several jobs by
 * {@link #encode} and its parts are joined back in order.
 *
 * <p>This is a simple count-and-token batcher kept in its own class; a token-budget pipeline in the library (length
 * bucketing across requests, tokenization overlapped with inference) can replace {@link #run()} without changing
 * the routes.
 */
final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private sealed interface Job permits EncodeJob, TaskJob {
        long tokens();

        void fail(Throwable t);
    }

    private record EncodeJob(List<String> texts, EncodeOptions options, long tokens,
            CompletableFuture<FloatMatrix> result) implements Job {
        @Override
        public void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private record TaskJob(Function<SentenceTransformer, ?> task, long tokens, CompletableFuture<Object> result)
            implements Job {
        @Override
        public void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    /** A poison pill: the worker drains everything queued before it, then stops. */
    private static final Job STOP = new TaskJob(m -> null, 0, new CompletableFuture<>());

    private final String name;
    private final SentenceTransformer model;
    private final int maxBatchTokens;
    private final long maxQueuedTokens;
    private final BlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    private final AtomicLong queuedTokens = new AtomicLong();
    private final Thread worker;
    private final DistributionSummary batchTexts;
    private volatile boolean closing;

    DynamicBatcher(String name, SentenceTransformer model, int maxBatchTokens, long maxQueuedTokens,
            MeterRegistry metrics) {
        this.name = name;
        this.model = model;
        this.maxBatchTokens = maxBatchTokens;
        this.maxQueuedTokens = maxQueuedTokens;
        Gauge.builder("st4j.queue.tokens", queuedTokens, AtomicLong::get).tag("model", name)
                .description("tokens waiting for the model").register(metrics);
        Gauge.builder("st4j.queue.jobs", queue, BlockingDeque::size).tag("model", name)
                .description("jobs waiting for the model").register(metrics);
        this.batchTexts = DistributionSummary.builder("st4j.batch.texts").tag("model", name)
                .description("texts per encode call").register(metrics);
        this.worker = Thread.ofPlatform().name("st4j-batcher-" + name).daemon(true).unstarted(this::run);
        worker.start();
    }

    /**
     * Encodes texts through the queue; {@code tokens[i]} is text i's token count (tokenized by the caller, off this
     * thread). Rows come back in the texts' order. Throws {@link ApiException} 429 when the queue is full.
     */
    FloatMatrix encode(List<String> texts, int[] tokens, EncodeOptions options) {
        long total = sum(tokens, 0, tokens.length);
        reserve(total);
        List<CompletableFuture<FloatMatrix>> parts = new ArrayList<>();
        int start = 0;
        while (start < texts.size()) {
            int end = start;
            long budget = 0;
            // At least one text per part; a part ends before the text that would pass the batch budget.
            while (end < texts.size() && (end == start || budget + tokens[end] <= maxBatchTokens)) {
                budget += tokens[end++];
            }
            CompletableFuture<FloatMatrix> f = new CompletableFuture<>();
            queue.add(new EncodeJob(List.copyOf(texts.subList(start, end)), options, budget, f));
            parts.add(f);
            start = end;
        }
        List<FloatMatrix> done = new ArrayList<>(parts.size());
        for (CompletableFuture<FloatMatrix> f : parts) {
            done.add(join(f));
        }
        return concat(done);
    }

    /** Runs a whole-request task (token embeddings, ...) on the model's thread, in queue order. */
    @SuppressWarnings("unchecked")
    <T> T run(Function<SentenceTransformer, T> task, long tokens) {
        reserve(tokens);
        CompletableFuture<Object> f = new CompletableFuture<>();
        queue.add(new TaskJob(task, tokens, f));
        return (T) join(f);
    }

    private void reserve(long tokens) {
        if (closing) {
            throw ApiException.unavailable("the server is shutting down; send the request to another replica");
        }
        if (tokens > maxQueuedTokens) {
            throw ApiException.tooLarge("the request holds " + tokens + " tokens, more than model '" + name
                    + "' queues at once (max queued tokens " + maxQueuedTokens + "); split it into smaller requests");
        }
        long now = queuedTokens.addAndGet(tokens);
        if (now > maxQueuedTokens) {
            queuedTokens.addAndGet(-tokens);
            throw ApiException.overloaded("model '" + name + "' is overloaded: " + (now - tokens)
                    + " tokens are queued (max queued tokens " + maxQueuedTokens + "); retry later");
        }
    }

    long queuedTokens() {
        return queuedTokens.get();
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the request was interrupted while waiting for the model");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            if (cause instanceof IllegalArgumentException bad) {
                throw ApiException.invalid(bad.getMessage());
            }
            throw ApiException.backend("the model failed: " + cause);
        }
    }

    private void run() {
        while (true) {
            Job first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                failAll(ApiException.unavailable("the server stopped before the request ran"));
                return;
            }
            if (first == STOP) {
                return;
            }
            List<EncodeJob> batch = new ArrayList<>();
            try {
                if (first instanceof TaskJob task) {
                    queuedTokens.addAndGet(-task.tokens());
                    task.result().complete(task.task().apply(model));
                    continue;
                }
                EncodeJob head = (EncodeJob) first;
                batch.add(head);
                long tokens = head.tokens();
                // Merge the following jobs while they share the options and fit the budget.
                while (queue.peekFirst() instanceof EncodeJob next && next.options().equals(head.options())
                        && tokens + next.tokens() <= maxBatchTokens) {
                    queue.pollFirst();
                    batch.add(next);
                    tokens += next.tokens();
                }
                queuedTokens.addAndGet(-tokens);
                encodeBatch(batch);
            } catch (RuntimeException | Error e) {
                if (first instanceof TaskJob task) {
                    task.fail(e);
                }
                for (EncodeJob j : batch) {
                    j.fail(e);
                }
                if (e instanceof Error) {
                    LOG.error("model '{}' worker stops on {}", name, e.toString());
                    failAll(ApiException.backend("the model's worker failed: " + e));
                    throw (Error) e;
                }
            }
        }
    }

    private void encodeBatch(List<EncodeJob> batch) {
        List<String> texts = new ArrayList<>();
        for (EncodeJob j : batch) {
            texts.addAll(j.texts());
        }
        batchTexts.record(texts.size());
        FloatMatrix all = model.encode(texts, batch.get(0).options());
        int row = 0;
        int cols = all.cols();
        for (EncodeJob j : batch) {
            int n = j.texts().size();
            float[] part = new float[n * cols];
            for (int r = 0; r < n; r++) {
                System.arraycopy(all.row(row + r), 0, part, r * cols, cols);
            }
            row += n;
            j.result().complete(FloatMatrix.of(n, cols, part));
        }
    }

    private void failAll(RuntimeException e) {
        Job j;
        while ((j = queue.poll()) != null) {
            j.fail(e);
        }
    }

    private static long sum(int[] a, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    private static FloatMatrix concat(List<FloatMatrix> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int cols = parts.get(0).cols();
        int rows = parts.stream().mapToInt(FloatMatrix::rows).sum();
        float[] out = new float[rows * cols];
        int at = 0;
        for (FloatMatrix m : parts) {
            float[] a = m.toRowMajorArray();
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return FloatMatrix.of(rows, cols, out);
    }

    /** Stops taking requests, lets the worker finish everything already queued (up to the timeout), then stops. */
    void drain(long timeoutMillis) {
        closing = true;
        queue.add(STOP);
        try {
            worker.join(Math.max(1, timeoutMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
        failAll(ApiException.unavailable("the server stopped before the request ran"));
    }

    @Override
    public void close() {
        drain(TimeUnit.SECONDS.toMillis(30));
    }
}
