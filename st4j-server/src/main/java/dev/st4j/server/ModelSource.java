package dev.st4j.server;

import dev.st4j.SentenceTransformer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A model for {@link EmbeddingServer#serve}: one the caller has loaded (and closes after the server), or one the
 * server loads on the first request that names it and closes when it stops ({@code st4j serve --lazy}). Lazy models
 * are listed at {@code GET /v1/models} before they load; concurrent first requests share one load, and a failed
 * load answers those requests with a 503 naming the model, the next request trying again.
 */
public final class ModelSource {
    final SentenceTransformer loaded;
    final Supplier<SentenceTransformer> loader;

    private ModelSource(SentenceTransformer loaded, Supplier<SentenceTransformer> loader) {
        this.loaded = loaded;
        this.loader = loader;
    }

    /** A loaded model; the caller closes it after the server. */
    public static ModelSource of(SentenceTransformer model) {
        return new ModelSource(Objects.requireNonNull(model, "model"), null);
    }

    /** A model loaded on its first request (e.g. {@code () -> SentenceTransformer.load("all-MiniLM-L6-v2")}). */
    public static ModelSource lazy(Supplier<SentenceTransformer> loader) {
        return new ModelSource(null, Objects.requireNonNull(loader, "loader"));
    }

    boolean isLazy() {
        return loader != null;
    }
}
