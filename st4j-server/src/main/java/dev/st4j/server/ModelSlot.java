package dev.st4j.server;

import dev.st4j.SentenceTransformer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served name and its model, loaded now or on the first request. Requests that arrive during a load wait for
 * that one load; a failed load fails exactly the requests that waited for it and leaves the slot empty, so the
 * next request starts a fresh load.
 */
final class ModelSlot {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);

    final String name;
    private final ModelSource source;
    private final Function<SentenceTransformer, ServedModel> serve;
    private volatile ServedModel ready;
    /** The load in progress, or null; guarded by this. */
    private CompletableFuture<ServedModel> loading;
    private boolean closed;

    ModelSlot(String name, ModelSource source, Function<SentenceTransformer, ServedModel> serve) {
        this.name = name;
        this.source = source;
        this.serve = serve;
        if (!source.isLazy()) {
            ready = serve.apply(source.loaded);
        }
    }

    /** The model, loading it first if needed (on this thread, or waiting until {@code deadline} for a load). */
    ServedModel get(long deadline) {
        ServedModel r = ready;
        if (r != null) {
            return r;
        }
        CompletableFuture<ServedModel> load;
        boolean mine = false;
        synchronized (this) {
            if (ready != null) {
                return ready;
            }
            if (closed) {
                throw ApiException.unavailable("the server is shutting down");
            }
            if (loading == null) {
                loading = new CompletableFuture<>();
                mine = true;
            }
            load = loading;
        }
        if (mine) {
            load(load);
        }
        try {
            long wait = deadline - System.nanoTime();
            return deadline == Long.MAX_VALUE ? load.get() : load.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw ApiException.queueTimeout("model '" + name + "' is still loading and the request timeout ran out "
                    + "(st4j serve --request-timeout); retry in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the request was interrupted while model '" + name + "' loaded");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            throw ApiException.unavailable("model '" + name + "' cannot be loaded: " + cause.getMessage()
                    + " (the next request tries again; check the --model argument)");
        }
    }

    private void load(CompletableFuture<ServedModel> load) {
        long t0 = System.nanoTime();
        SentenceTransformer model = null;
        try {
            model = source.loader.get();
            if (model == null) {
                throw new IllegalStateException("the loader returned no model");
            }
            ServedModel served = serve.apply(model);
            boolean stop;
            synchronized (this) {
                stop = closed;
                if (!stop) {
                    ready = served;
                }
                loading = null;
            }
            if (stop) {
                served.batcher.drain(0);
                model.close();
                load.completeExceptionally(ApiException.unavailable("the server is shutting down"));
                return;
            }
            LOG.info("model '{}' loaded on first request in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
            load.complete(served);
        } catch (RuntimeException | Error e) {
            LOG.warn("model '{}' failed to load: {}", name, e.toString());
            if (model != null) {
                model.close();
            }
            synchronized (this) {
                loading = null;
            }
            load.completeExceptionally(e);
        }
    }

    /** Refuses later loads; drains the queue of the loaded model and closes it when the server loaded it. */
    void close(long timeoutMillis) {
        ServedModel r;
        synchronized (this) {
            closed = true;
            r = ready;
        }
        if (r != null) {
            r.batcher.drain(timeoutMillis);
            if (source.isLazy()) {
                r.model.close();
            }
        }
    }
}
