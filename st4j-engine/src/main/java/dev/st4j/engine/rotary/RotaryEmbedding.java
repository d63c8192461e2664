package dev.st4j.engine.rotary;

/**
 * Rotary position embeddings (Su et al. 2021) in the "rotate half" layout of Hugging Face's Llama-family code: the
 * first and second halves of each head's vector form the pairs, pair {@code i} turns by {@code position *
 * theta^(-2i/dim) / factor}. Frequencies and angles are computed in float32 as transformers does, so the rotation
 * matches its rounding.
 */
public final class RotaryEmbedding {
    private final float[] inverseFrequency;

    /**
     * @param dim the rotated dimensions (a head's size)
     * @param theta the base ({@code rope_theta})
     * @param factor linear scaling: positions are divided by it (1 for none)
     */
    public RotaryEmbedding(int dim, double theta, double factor) {
        if (dim % 2 != 0) {
            throw new IllegalArgumentException("rotary dimension " + dim + " is odd");
        }
        inverseFrequency = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            float exponent = (float) (2 * i) / dim;
            float f = 1f / (float) Math.pow(theta, exponent);
            inverseFrequency[i] = (float) factor == 1f ? f : f / (float) factor;
        }
    }

    public int dim() {
        return 2 * inverseFrequency.length;
    }

    /** The cosines and sines of every pair's angle at each of {@code positions}: {@code [positions, dim / 2]}. */
    public Angles angles(int[] positions) {
        int half = inverseFrequency.length;
        float[] cos = new float[positions.length * half];
        float[] sin = new float[positions.length * half];
        for (int t = 0; t < positions.length; t++) {
            float p = positions[t];
            for (int i = 0; i < half; i++) {
                float angle = inverseFrequency[i] * p;
                cos[t * half + i] = (float) Math.cos(angle);
                sin[t * half + i] = (float) Math.sin(angle);
            }
        }
        return new Angles(cos, sin, half);
    }

    /** Precomputed rotations for the tokens of one batch. */
    public record Angles(float[] cos, float[] sin, int half) {

        /** Rotates the head vector {@code x[off, off + 2 * half)} of packed token {@code t} in place. */
        public void rotate(int t, float[] x, int off) {
            int a = t * half;
            for (int i = 0; i < half; i++) {
                float x1 = x[off + i];
                float x2 = x[off + half + i];
                float c = cos[a + i];
                float s = sin[a + i];
                x[off + i] = x1 * c - x2 * s;
                x[off + half + i] = x2 * c + x1 * s;
            }
        }
    }
}
