package dev.st4j.engine.layers;

/**
 * The activations of one forward pass, pooled by the model's {@link PostLnEncoder} (one per concurrent caller, and
 * released with the model, where a thread-local would outlive it in every caller's thread) so consecutive batches
 * reuse them instead of allocating (and zeroing) ~12 MB each time. Every step overwrites the part it uses, so stale
 * contents are harmless; buffers above {@link #MAX_REUSED_BYTES} are not pooled, so a rare huge batch is not
 * retained. The bound is in bytes, not tokens, so a default batch of long texts (32 x 256 tokens of a 384-wide model:
 * 126 MB) is reused too: with a 4,096-token bound those batches allocated fresh buffers straight into the old
 * generation, and the launcher's serial collector grew the heap rather than collect them (peak RSS of
 * {@code st4j encode} over 3,000 corpus texts ~580-660 MB with the token bound, see st4j-bench/README.md).
 */
public final class Activations {
    static final long MAX_REUSED_BYTES = 128L << 20;

    float[] x = new float[0];
    float[] qkv = new float[0];
    float[] context = new float[0];
    float[] y = new float[0];
    float[] inner = new float[0];

    private Activations() {}

    /** {@code reused} (or new buffers when null) grown to hold {@code tokens}. */
    static Activations reserve(Activations reused, int tokens, int hidden, int intermediate) {
        Activations a = reused != null ? reused : new Activations();
        a.x = grow(a.x, tokens * hidden);
        a.qkv = grow(a.qkv, tokens * 3 * hidden);
        a.context = grow(a.context, tokens * hidden);
        a.y = grow(a.y, tokens * hidden);
        a.inner = grow(a.inner, tokens * intermediate);
        return a;
    }

    /** Whether these buffers are small enough to keep for later batches. */
    boolean reusable() {
        return 4L * ((long) x.length + qkv.length + context.length + y.length + inner.length) <= MAX_REUSED_BYTES;
    }

    /** The packed hidden states, {@code [tokens, hidden]}: the embeddings go in, the last hidden state comes out. */
    public float[] x() {
        return x;
    }

    private static float[] grow(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }
}
