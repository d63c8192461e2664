package dev.st4j.pipeline;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One part of a model loading on a thread of its own while the caller loads another. The result, or the failure
 * as it was thrown, is handed over at {@link #join}; a part that is not wanted any more is closed once loaded.
 */
final class ParallelLoad<T> {
    private final Thread thread;
    private T value;
    private Throwable failure;

    private ParallelLoad(String name, Supplier<T> load) {
        thread = new Thread(() -> {
            try {
                value = load.get();
            } catch (Throwable t) {
                failure = t;
            }
        }, name);
        thread.setDaemon(true);
    }

    static <T> ParallelLoad<T> start(String name, Supplier<T> load) {
        ParallelLoad<T> l = new ParallelLoad<>(name, load);
        l.thread.start();
        return l;
    }

    /** The loaded value; on failure, {@code onFailure} runs (closing what the caller loaded) and the failure is rethrown. */
    T join(Runnable onFailure) {
        awaitUninterruptibly();
        if (failure != null) {
            onFailure.run();
            throw rethrowable(failure);
        }
        return value;
    }

    /**
     * The caller's own load failed with {@code callerFailure}: waits for this part and throws its failure, if it
     * had one (as the part loaded first would have), with the caller's added as suppressed; else closes the part
     * and throws the caller's failure.
     */
    void rethrowFirst(Consumer<T> close, Throwable callerFailure) {
        awaitUninterruptibly();
        if (failure != null) {
            failure.addSuppressed(callerFailure);
            throw rethrowable(failure);
        }
        close.accept(value);
        throw rethrowable(callerFailure);
    }

    private void awaitUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException rethrowable(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
