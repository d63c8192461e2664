package dev.st4j.server;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's queue, shared by every request for that model, and the single thread that feeds it to the model
 * (TEI's queue). Consecutive encode jobs with the same options are merged into one forward pass of at most
 * {@code batchTexts} texts and {@code maxBatchTokens} tokens, so concurrent single-text clients share forward
 * passes; each pass answers its requests as soon as it ends, so clients send their next request while the model
 * works on the following pass and the queue stays full. When a pass would be short while requests are still being
 * read and tokenized, the worker waits for them up to {@link #GATHER_NANOS}. A client batch is sorted by length,
 * cut into such parts, and joined back in its order.
 *
 * <p>Each job carries its request's deadline: a job whose deadline passes in the queue is dropped unrun (503), and a
 * request whose deadline passes during its pass gets a 504 while the pass finishes for the others.
 */
final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);
    /** Longest wait for requests still being read when a pass is not full (a fraction of one pass's time). */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DROPPED = 2;

    /** A unit of queued work; its state moves once, from QUEUED to RUNNING (the worker) or DROPPED (time ran out). */
    private abstract static class Job {
        final long tokens;
        final long deadline;
        final AtomicInteger state = new AtomicInteger(QUEUED);

        Job(long tokens, long deadline) {
            this.tokens = tokens;
            this.deadline = deadline;
        }

        abstract CompletableFuture<?> result();

        void fail(Throwable t) {
            result().completeExceptionally(t);
        }
    }

    private static final class EncodeJob extends Job {
        final List<String> texts;
        final EncodeOptions options;
        final CompletableFuture<FloatMatrix> result = new CompletableFuture<>();

        EncodeJob(List<String> texts, EncodeOptions options, long tokens, long deadline) {
            super(tokens, deadline);
            this.texts = texts;
            this.options = options;
        }

        @Override
        CompletableFuture<?> result() {
            return result;
        }
    }

    private static final class TaskJob extends Job {
        final Function<SentenceTransformer, ?> task;
        final CompletableFuture<Object> result = new CompletableFuture<>();

        TaskJob(Function<SentenceTransformer, ?> task, long tokens, long deadline) {
            super(tokens, deadline);
            this.task = task;
        }

        @Override
        CompletableFuture<?> result() {
            return result;
        }
    }

    /** A poison pill: the worker drains everything queued before it, then stops. */
    private static final Job STOP = new TaskJob(m -> null, 0, Long.MAX_VALUE);

    private final String name;
    private final SentenceTransformer model;
    private final int maxBatchTokens;
    /** Texts per forward pass. */
    private final int batchTexts;
    /** The library's per-forward-pass budget: the server's, or one longest sequence when that is larger. */
    private final int forwardBudget;
    private final long maxQueuedTokens;
    /** Requests being read or tokenized that have not queued their jobs yet (for the gather wait). */
    private final IntSupplier inbound;
    private final BlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    private final AtomicLong queuedTokens = new AtomicLong();
    private final Thread worker;
    private final DistributionSummary passTexts;
    private volatile boolean closing;

    DynamicBatcher(String name, SentenceTransformer model, int maxBatchTokens, int batchTexts, long maxQueuedTokens,
            MeterRegistry metrics, IntSupplier inbound) {
        this.name = name;
        this.model = model;
        this.maxBatchTokens = maxBatchTokens;
        this.batchTexts = batchTexts;
        this.maxQueuedTokens = maxQueuedTokens;
        this.inbound = inbound;
        this.forwardBudget = Math.max(maxBatchTokens, model.getMaxSeqLength().orElse(0));
        Gauge.builder("st4j.queue.tokens", queuedTokens, AtomicLong::get).tag("model", name)
                .description("tokens waiting for the model").register(metrics);
        Gauge.builder("st4j.queue.jobs", queue, BlockingDeque::size).tag("model", name)
                .description("jobs waiting for the model").register(metrics);
        this.passTexts = DistributionSummary.builder("st4j.batch.texts").tag("model", name)
                .description("texts per forward pass").register(metrics);
        this.worker = Thread.ofPlatform().name("st4j-batcher-" + name).daemon(true).unstarted(this::run);
        worker.start();
    }

    /**
     * Encodes texts through the queue; {@code tokens[i]} is text i's token count (tokenized by the caller, off this
     * thread). Rows come back in the texts' order. Throws {@link ApiException} 429 when the queue is full, 503 or
     * 504 when {@code deadline} ({@link System#nanoTime()}, or {@link Long#MAX_VALUE} for none) passes.
     */
    FloatMatrix encode(List<String> texts, int[] tokens, EncodeOptions options, long deadline) {
        long total = 0;
        for (int t : tokens) {
            total += t;
        }
        reserve(total);
        // Parts of similar lengths (the order the library sorts a batch in), each at most one forward pass.
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(tokens[b], tokens[a]));
        List<EncodeJob> parts = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int end = start;
            long budget = 0;
            // At least one text per part; a part ends before the text that would pass either limit.
            while (end < order.length && (end == start
                    || (end - start < batchTexts && budget + tokens[order[end]] <= maxBatchTokens))) {
                budget += tokens[order[end++]];
            }
            List<String> part = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                part.add(texts.get(order[i]));
            }
            parts.add(new EncodeJob(part, options, budget, deadline));
            start = end;
        }
        queue.addAll(parts);
        float[][] rows = new float[texts.size()][];
        int at = 0;
        for (EncodeJob job : parts) {
            FloatMatrix m = await(job, job.result, parts);
            for (int r = 0; r < m.rows(); r++) {
                rows[order[at++]] = m.row(r);
            }
        }
        int cols = rows[0].length;
        float[] out = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * cols, cols);
        }
        return FloatMatrix.of(rows.length, cols, out);
    }

    /** Runs a whole-request task (token embeddings, ...) on the model's thread, in queue order. */
    @SuppressWarnings("unchecked")
    <T> T run(Function<SentenceTransformer, T> task, long tokens, long deadline) {
        reserve(tokens);
        TaskJob job = new TaskJob(task, tokens, deadline);
        queue.add(job);
        return (T) await(job, job.result, List.of(job));
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

    int queuedJobs() {
        return queue.size();
    }

    /** Waits for one job of a request; when the deadline passes, drops every job of the request not yet running. */
    private <T> T await(Job job, CompletableFuture<T> f, List<? extends Job> request) {
        try {
            if (job.deadline == Long.MAX_VALUE) {
                return f.get();
            }
            return f.get(Math.max(0, job.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            boolean started = false;
            for (Job j : request) {
                if (j.state.compareAndSet(QUEUED, DROPPED)) {
                    // Whoever takes a job off the queue returns its tokens: here, or the worker that polled it.
                    if (queue.remove(j)) {
                        queuedTokens.addAndGet(-j.tokens);
                    }
                } else if (j == job && j.state.get() == RUNNING) {
                    started = true;
                }
            }
            throw started ? inferenceTimeout() : queueTimeout();
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

    private ApiException queueTimeout() {
        return ApiException.queueTimeout("the request timed out waiting in model '" + name + "''s queue and was "
                + "dropped unrun (st4j serve --request-timeout); retry, or send fewer texts per request");
    }

    private ApiException inferenceTimeout() {
        return ApiException.inferenceTimeout("the request timed out while model '" + name + "' computed it "
                + "(st4j serve --request-timeout); send fewer or shorter texts per request, or raise the timeout");
    }

    /** Takes a job off the queue for running: returns its tokens, and false when its time ran out or it was dropped. */
    private boolean claim(Job j) {
        queuedTokens.addAndGet(-j.tokens);
        if (j.deadline != Long.MAX_VALUE && System.nanoTime() - j.deadline >= 0
                && j.state.compareAndSet(QUEUED, DROPPED)) {
            j.fail(queueTimeout());
            return false;
        }
        return j.state.compareAndSet(QUEUED, RUNNING);
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
            if (!claim(first)) {
                continue;
            }
            List<EncodeJob> batch = new ArrayList<>();
            try {
                if (first instanceof TaskJob task) {
                    task.result.complete(task.task.apply(model));
                    continue;
                }
                EncodeJob head = (EncodeJob) first;
                batch.add(head);
                gather(head, batch);
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

    /**
     * Adds the following queued jobs with the head's options while they fit one pass; when the pass is not full
     * and requests are still on their way to the queue, waits briefly for them.
     */
    private void gather(EncodeJob head, List<EncodeJob> batch) {
        int texts = head.texts.size();
        long tokens = head.tokens;
        long waitUntil = System.nanoTime() + GATHER_NANOS;
        while (texts < batchTexts) {
            Job next = queue.pollFirst();
            if (next == null) {
                long left = waitUntil - System.nanoTime();
                if (closing || left <= 0 || inbound.getAsInt() == 0) {
                    return;
                }
                try {
                    next = queue.pollFirst(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (next == null) {
                    return;
                }
            }
            if (!(next instanceof EncodeJob e) || !e.options.equals(head.options)
                    || texts + e.texts.size() > batchTexts || tokens + e.tokens > maxBatchTokens) {
                queue.offerFirst(next); // the next pass starts with it
                return;
            }
            if (claim(e)) {
                batch.add(e);
                texts += e.texts.size();
                tokens += e.tokens;
            }
        }
    }

    private void encodeBatch(List<EncodeJob> batch) {
        List<String> texts = new ArrayList<>();
        for (EncodeJob j : batch) {
            texts.addAll(j.texts);
        }
        passTexts.record(texts.size());
        FloatMatrix all = model.encode(texts, batch.get(0).options.toBuilder().batchSize(batchTexts)
                .tokenBudget(forwardBudget).build());
        int row = 0;
        int cols = all.cols();
        for (EncodeJob j : batch) {
            int n = j.texts.size();
            float[] part = new float[n * cols];
            for (int r = 0; r < n; r++) {
                System.arraycopy(all.row(row + r), 0, part, r * cols, cols);
            }
            row += n;
            j.result.complete(FloatMatrix.of(n, cols, part));
        }
    }

    private void failAll(RuntimeException e) {
        Job j;
        while ((j = queue.poll()) != null) {
            queuedTokens.addAndGet(-j.tokens);
            j.fail(e);
        }
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
