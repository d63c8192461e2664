package dev.st4j.internal.encoding;

import dev.st4j.ProgressListener;
import dev.st4j.St4jException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.pipeline.Pipeline;
import dev.st4j.internal.tokenizer.TextTokenizer;
import dev.st4j.pipeline.Normalize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One encode call as three overlapping stages, with memory bounded by a window of batches whatever the input length:
 *
 * <ol>
 *   <li>a preparing thread reads the texts a chunk at a time, tokenizes the chunk, sorts it by token count and cuts
 *       it into batches ({@link TokenBudgetBatcher}), padded and ready;
 *   <li>inference workers run the costly input module (the transformer) on those batches;
 *   <li>the calling thread finishes each batch (pooling and the modules after it, truncation, normalization), puts
 *       its rows back in input order and hands every completed chunk to the sink, in order.
 * </ol>
 *
 * <p>At most a fixed number of batches are between stages 1 and 3 at any time, so the preparing thread waits when
 * inference falls behind. Any failure (the reader, the tokenizer, a worker, the sink) stops all stages and is
 * rethrown to the caller at once; interrupting the caller stops them too.
 */
public final class BatchPipeline {
    /** Python's cap on the texts of one chunk ({@code min(..., 5000)}); also the window of a stream of unknown length. */
    public static final int MAX_CHUNK = 5000;

    /**
     * How to encode.
     *
     * @param plan the modules this call runs (read-only, shared by every worker)
     * @param prompt text prepended to every input ("" for none)
     * @param promptLength the prompt's token count, for pooling that excludes it
     * @param dim width of each output row (after truncation)
     * @param normalize L2-normalize each output row
     * @param batcher how a sorted chunk is cut into batches
     * @param chunkSize texts per chunk: the window that is sorted and batched as one
     * @param progress told after every batch, or null
     * @param beforeBatch run before each batch is queued and again before it runs; throws to stop the call (e.g.
     *     the model was closed)
     * @param checkOutput checks each batch's features once its modules have run (e.g. the declared width)
     */
    public record Settings(Pipeline.Plan plan, String prompt, int promptLength, int dim, boolean normalize,
            TokenBudgetBatcher batcher, int chunkSize, ProgressListener progress, Runnable beforeBatch,
            java.util.function.Consumer<Features> checkOutput) {
        public Settings {
            if (chunkSize <= 0) {
                throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
            }
        }
    }

    /** Which plan an inference worker runs: the call's own, or one whose input module is on the worker's device. */
    @FunctionalInterface
    public interface Placement {
        /** Every worker runs the call's plan. */
        Placement SHARED = (worker, plan) -> plan;

        Pipeline.Plan forWorker(int worker, Pipeline.Plan plan);
    }

    /** Receives completed rows in input order. */
    @FunctionalInterface
    public interface RowSink {
        /** {@code rows} holds {@code count} rows of the settings' {@code dim} values; the sink may keep it. */
        void accept(long firstRow, int count, float[] rows) throws Exception;
    }

    /**
     * Python's default chunk size for a pool: {@code max(1, min(ceil(n / workers / 10), 5000))}; {@link #MAX_CHUNK}
     * when the input size is unknown (negative).
     */
    public static int defaultChunkSize(long size, int workers) {
        if (size < 0) {
            return MAX_CHUNK;
        }
        long perWorker = (size + (long) workers * 10 - 1) / ((long) workers * 10);
        return (int) Math.max(1, Math.min(perWorker, MAX_CHUNK));
    }

    private BatchPipeline() {}

    /**
     * Encodes every text of {@code texts} and hands the rows to {@code sink} in input order.
     *
     * @param workers the inference threads, or null to run every stage on the calling thread, one after the other
     * @param placement which plan each worker runs (ignored without workers)
     * @return the number of rows written
     */
    public static long run(Iterator<String> texts, long totalHint, Settings settings, InferenceWorkers workers,
            Placement placement, RowSink sink) {
        Run run = new Run(texts, totalHint, settings, sink);
        try {
            return workers == null ? run.inline() : run.threaded(workers, placement);
        } finally {
            if (settings.progress() != null) {
                settings.progress().done();
            }
        }
    }

    /** A chunk of consecutive input texts, sorted and batched as one; its rows fill {@code out} in input order. */
    private static final class Chunk {
        final long id;
        final long firstRow;
        final int size;
        final float[] out;
        int remaining;

        Chunk(long id, long firstRow, int size, int dim, int batches) {
            this.id = id;
            this.firstRow = firstRow;
            this.size = size;
            this.out = new float[Math.multiplyExact(size, dim)];
            this.remaining = batches;
        }
    }

    /** One padded batch: {@code rows[i]} is the chunk position of the batch's row {@code i}. */
    private record Batch(Chunk chunk, int[] rows, TokenBatch tokens) {}

    /** A batch whose input module has run. */
    private record Inferred(Batch batch, Features features) {}

    /** The preparing thread has queued every batch of {@code chunks} chunks. */
    private record End(long chunks) {}

    private static final Object FAILED = new Object();

    private static final class Run {
        final Iterator<String> texts;
        final long total;
        final Settings s;
        final RowSink sink;
        final InputModule input;
        final ChunkTokenizer tokenizer;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final BlockingQueue<Object> finished = new LinkedBlockingQueue<>();
        final Map<Long, Chunk> completed = new HashMap<>();
        volatile boolean cancelled;
        /** Held while the preparing thread waits for the (maybe native) tokenizer, so the caller can wait it out. */
        final java.util.concurrent.locks.ReentrantLock tokenizing = new java.util.concurrent.locks.ReentrantLock();
        /** Tasks of this call running on a worker; the call returns only when none is left in the model. */
        final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        long nextChunk;
        long rowsOut;
        long textsDone;
        long tokensDone;

        Run(Iterator<String> texts, long total, Settings s, RowSink sink) {
            this.texts = texts;
            this.total = total;
            this.s = s;
            this.sink = sink;
            this.input = s.plan().input();
            this.tokenizer = new ChunkTokenizer(input);
        }

        long inline() {
            try {
                prepare(batch -> finish(new Inferred(batch, infer(batch))));
            } finally {
                tokenizer.close();
            }
            return rowsOut;
        }

        long threaded(InferenceWorkers workers, Placement placement) {
            // Queued + running + waiting to be finished: enough to keep every worker busy, bounded for memory.
            Semaphore inFlight = new Semaphore(2 * workers.size() + 2);
            Thread preparing = new Thread(() -> {
                try {
                    long chunks = prepare(batch -> {
                        inFlight.acquireUninterruptibly();
                        if (cancelled) {
                            throw new CancellationException();
                        }
                        workers.submit(new InferenceWorkers.Task() {
                            @Override
                            public void run(int worker) {
                                // Counted before the check: the caller, having cancelled, waits for running == 0.
                                running.incrementAndGet();
                                try {
                                    if (cancelled) {
                                        return;
                                    }
                                    try {
                                        s.beforeBatch().run(); // e.g. the model was closed meanwhile
                                    } catch (RuntimeException e) {
                                        fail(e);
                                        return;
                                    }
                                    finished.add(new Inferred(batch, placement.forWorker(worker, s.plan())
                                            .forwardInput(batch.tokens(), s.promptLength())));
                                } catch (Throwable t) {
                                    fail(new St4jException("an encode worker failed: " + t, t));
                                } finally {
                                    running.decrementAndGet();
                                }
                            }

                            @Override
                            public void abandon(IllegalStateException why) {
                                fail(why);
                            }
                        });
                    });
                    finished.add(new End(chunks));
                } catch (CancellationException e) {
                    // the collector stopped the call
                } catch (Throwable t) {
                    fail(t);
                }
            }, "st4j-encode-prepare");
            preparing.setDaemon(true);
            preparing.start();
            try {
                long endChunks = -1;
                while (endChunks < 0 || nextChunk < endChunks) {
                    Object m;
                    try {
                        m = finished.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CancellationException("encode was interrupted; its workers were stopped");
                    }
                    if (m == FAILED) {
                        throw rethrow(failure.get());
                    } else if (m instanceof End e) {
                        endChunks = e.chunks();
                    } else {
                        finish((Inferred) m);
                        inFlight.release();
                    }
                }
                return rowsOut;
            } catch (RuntimeException | Error e) {
                fail(e);
                throw e;
            } finally {
                cancelled = true;
                inFlight.release(Integer.MAX_VALUE / 2); // wake a preparing thread waiting for room
                preparing.interrupt();
                // Return only when nothing of this call is left in the model, so the caller may close it at once.
                // A reader blocked on a pipe cannot be interrupted: wait for the tokenizer, not for the reader
                // (the thread is a daemon and ends with its input).
                tokenizing.lock();
                tokenizing.unlock();
                while (running.get() > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
                try {
                    preparing.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tokenizer.close();
            }
        }

        void fail(Throwable t) {
            if (failure.compareAndSet(null, t)) {
                cancelled = true;
                finished.add(FAILED);
            }
        }

        /**
         * Stage 1: reads chunks, tokenizes, sorts, batches; returns the number of chunks. The next chunk is read
         * and tokenized (on all cores, {@link ChunkTokenizer}) while this one's batches wait for room in the
         * window, so inference never waits for a chunk boundary.
         */
        long prepare(java.util.function.Consumer<Batch> submit) {
            long chunkId = 0;
            long row = 0;
            ChunkTokenizer.Pending pending = tokenizer.start(readWindow(row), row);
            while (pending != null && !cancelled) {
                List<TextTokenizer.Encoded> encoded;
                tokenizing.lock();
                try {
                    encoded = pending.await();
                } finally {
                    tokenizing.unlock();
                }
                long next = row + encoded.size();
                List<String> nextWindow = cancelled ? List.of() : readWindow(next);
                pending = nextWindow.isEmpty() ? null : tokenizer.start(nextWindow, next);
                Integer[] order = new Integer[encoded.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                // Longest first (stable), as sentence-transformers sorts; by tokens, so neighbours cost the same.
                Arrays.sort(order, Comparator.comparingInt((Integer i) -> encoded.get(i).length()).reversed());
                int[] lengths = new int[order.length];
                for (int i = 0; i < order.length; i++) {
                    lengths[i] = encoded.get(order[i]).length();
                }
                List<int[]> ranges = s.batcher().split(lengths);
                Chunk chunk = new Chunk(chunkId++, row, order.length, s.dim(), ranges.size());
                row = next;
                for (int[] r : ranges) {
                    int[] rows = new int[r[1] - r[0]];
                    List<TextTokenizer.Encoded> members = new ArrayList<>(rows.length);
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = order[r[0] + i];
                        members.add(encoded.get(rows[i]));
                    }
                    s.beforeBatch().run();
                    submit.accept(new Batch(chunk, rows, input.pad(members)));
                }
            }
            return chunkId;
        }

        /** The next chunk's texts (prompt prepended), or an empty list at the end of the input. */
        List<String> readWindow(long row) {
            List<String> window = new ArrayList<>(Math.min(s.chunkSize(), 1024));
            while (window.size() < s.chunkSize() && texts.hasNext()) {
                String t = texts.next();
                if (t == null) {
                    throw new IllegalArgumentException("texts[" + (row + window.size())
                            + "] is null; every text must be a string");
                }
                window.add(s.prompt().isEmpty() ? t : s.prompt() + t);
            }
            return window;
        }

        /** Stage 2 on the calling thread: the input module. */
        Features infer(Batch batch) {
            s.beforeBatch().run();
            return s.plan().forwardInput(batch.tokens(), s.promptLength());
        }

        /** Stage 3: the remaining modules, then the rows into place; completed chunks go out in order. */
        void finish(Inferred done) {
            Batch b = done.batch();
            Features f = done.features();
            s.plan().forwardRest(f);
            s.checkOutput().accept(f);
            int width = f.sentenceDim();
            int dim = s.dim();
            float[] emb = f.sentenceEmbeddings();
            float[] rows = new float[b.rows().length * dim];
            for (int i = 0; i < b.rows().length; i++) {
                System.arraycopy(emb, i * width, rows, i * dim, dim);
            }
            if (s.normalize()) {
                Normalize.normalizeRows(rows, dim);
            }
            Chunk c = b.chunk();
            for (int i = 0; i < b.rows().length; i++) {
                System.arraycopy(rows, i * dim, c.out, b.rows()[i] * dim, dim);
            }
            textsDone += b.rows().length;
            tokensDone += b.tokens().realTokens();
            if (s.progress() != null) {
                s.progress().progress(textsDone, tokensDone, total);
            }
            if (--c.remaining == 0) {
                completed.put(c.id, c);
                for (Chunk next; (next = completed.remove(nextChunk)) != null; nextChunk++) {
                    try {
                        sink.accept(next.firstRow, next.size, next.out);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new St4jException("writing the embeddings failed: " + e.getMessage(), e);
                    }
                    rowsOut += next.size;
                }
            }
        }
    }

    /** Bad-input and pool errors keep their type; anything else is wrapped so the caller's stack shows too. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof St4jException || t instanceof CancellationException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new St4jException("encode failed: " + t, t);
    }
}
