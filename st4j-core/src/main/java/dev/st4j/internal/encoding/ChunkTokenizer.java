package dev.st4j.internal.encoding;

import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.tokenizer.TextTokenizer;
import dev.st4j.tokenizers.UnpairedSurrogateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tokenizes the chunks of one encode call on all cores: a chunk is cut into slices that helper threads tokenize
 * at once, while the call's preparing thread batches the chunk before it. Each text is tokenized on its own, so
 * the result is the same list, in the same order, as one {@code encodeTexts} call on the whole chunk. Helpers are
 * started on the first chunk large enough to share and end with {@link #close}, so a call leaves no thread behind.
 */
final class ChunkTokenizer implements AutoCloseable {
    /** Texts per slice; a chunk of fewer than two slices is tokenized by the thread that asks for it. */
    static final int SLICE = 128;

    /** A chunk being tokenized. */
    interface Pending {
        /** The chunk's encodings in input order; rethrows a slice's failure with its own type. */
        List<TextTokenizer.Encoded> await();
    }

    private final InputModule input;
    private final int threads;
    private ExecutorService helpers;
    /** The helpers' threads, joined by close: an executor counts as terminated a moment before they end. */
    private final List<Thread> started = new ArrayList<>();
    private boolean closed;

    ChunkTokenizer(InputModule input) {
        this(input, Runtime.getRuntime().availableProcessors());
    }

    ChunkTokenizer(InputModule input, int threads) {
        this.input = input;
        this.threads = threads;
    }

    /**
     * Starts tokenizing {@code window}, whose first text is input row {@code firstRow}.
     *
     * @return null for an empty window (the end of the input)
     */
    Pending start(List<String> window, long firstRow) {
        if (window.isEmpty()) {
            return null;
        }
        if (threads < 2 || window.size() < 2 * SLICE) {
            return () -> encode(window, firstRow);
        }
        int slices = Math.min(4 * threads, (window.size() + SLICE - 1) / SLICE);
        int per = (window.size() + slices - 1) / slices;
        List<Future<List<TextTokenizer.Encoded>>> parts = new ArrayList<>(slices);
        ExecutorService pool = helpers();
        for (int from = 0; from < window.size(); from += per) {
            int a = from;
            int b = Math.min(window.size(), from + per);
            parts.add(pool.submit(() -> encode(window.subList(a, b), firstRow + a)));
        }
        return () -> {
            List<TextTokenizer.Encoded> out = new ArrayList<>(window.size());
            try {
                for (Future<List<TextTokenizer.Encoded>> part : parts) {
                    out.addAll(part.get());
                }
            } catch (InterruptedException e) {
                parts.forEach(p -> p.cancel(false));
                Thread.currentThread().interrupt();
                throw new CancellationException("encode was interrupted");
            } catch (ExecutionException e) {
                parts.forEach(p -> p.cancel(false));
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("tokenizing failed: " + e.getCause(), e.getCause());
            }
            return out;
        };
    }

    /** One slice; an unpaired surrogate is reported at its row in the whole input, not in the slice. */
    private List<TextTokenizer.Encoded> encode(List<String> texts, long firstRow) {
        try {
            return input.encodeTexts(texts);
        } catch (UnpairedSurrogateException e) {
            long row = firstRow + e.textIndex();
            if (firstRow == 0 || row > Integer.MAX_VALUE || e.textIndex() >= texts.size()
                    || e.position() >= texts.get(e.textIndex()).length()) {
                throw e;
            }
            throw new UnpairedSurrogateException((int) row, e.position(),
                    texts.get(e.textIndex()).charAt(e.position()));
        }
    }

    private synchronized ExecutorService helpers() {
        if (closed) {
            throw new CancellationException("the encode call has ended");
        }
        if (helpers == null) {
            AtomicInteger n = new AtomicInteger();
            helpers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "st4j-encode-tokenize-" + n.incrementAndGet());
                t.setDaemon(true);
                synchronized (started) {
                    started.add(t);
                }
                return t;
            });
        }
        return helpers;
    }

    /** Ends the helpers after the slices they are running (queued slices are dropped) and waits for them. */
    @Override
    public void close() {
        ExecutorService h;
        synchronized (this) {
            closed = true;
            h = helpers;
        }
        if (h == null) {
            return;
        }
        h.shutdownNow();
        List<Thread> threads;
        synchronized (started) {
            threads = List.copyOf(started);
        }
        Joins.joinAll(threads);
    }
}
