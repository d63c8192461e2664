package dev.st4j.engine.layers;

/**
 * The activations of one forward pass, kept per calling thread so consecutive batches reuse them instead of
 * allocating (and zeroing) ~12 MB each time. Every step overwrites the part it uses, so stale contents are harmless;
 * batches above {@link #MAX_REUSED_TOKENS} get fresh ones so a rare huge batch is not retained.
 */
public final class Activations {
    static final int MAX_REUSED_TOKENS = 4096;
    private static final ThreadLocal<Activations> PER_THREAD = ThreadLocal.withInitial(Activations::new);

    float[] x = new float[0];
    float[] qkv = new float[0];
    float[] context = new float[0];
    float[] y = new float[0];
    float[] inner = new float[0];

    private Activations() {}

    static Activations reserve(int tokens, int hidden, int intermediate) {
        Activations a = tokens <= MAX_REUSED_TOKENS ? PER_THREAD.get() : new Activations();
        a.x = grow(a.x, tokens * hidden);
        a.qkv = grow(a.qkv, tokens * 3 * hidden);
        a.context = grow(a.context, tokens * hidden);
        a.y = grow(a.y, tokens * hidden);
        a.inner = grow(a.inner, tokens * intermediate);
        return a;
    }

    /** The packed hidden states, {@code [tokens, hidden]}: the embeddings go in, the last hidden state comes out. */
    public float[] x() {
        return x;
    }

    private static float[] grow(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }
}
