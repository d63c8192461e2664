package dev.st4j.engine.rotary;

/**
 * Root-mean-square normalization: {@code x / sqrt(mean(x^2) + eps) * gamma}. Llama-family checkpoints (Qwen3) store
 * {@code gamma} itself; Gemma stores {@code gamma - 1} and multiplies by {@code 1 + weight}, so the two conventions
 * differ only in how the stored vector becomes {@code gamma}.
 */
public final class RmsNorm {
    private final float[] gamma;
    private final float eps;

    private RmsNorm(float[] gamma, float eps) {
        this.gamma = gamma;
        this.eps = eps;
    }

    /** {@code x * weight} (Llama, Qwen3). */
    public static RmsNorm timesWeight(float[] weight, float eps) {
        return new RmsNorm(weight, eps);
    }

    /** {@code x * (1 + weight)} (Gemma), the sum taken in float32 as transformers does. */
    public static RmsNorm timesOnePlusWeight(float[] weight, float eps) {
        float[] gamma = new float[weight.length];
        for (int i = 0; i < weight.length; i++) {
            gamma[i] = 1f + weight[i];
        }
        return new RmsNorm(gamma, eps);
    }

    public int size() {
        return gamma.length;
    }

    /** Normalizes {@code x[off, off + size)} in place. */
    public void apply(float[] x, int off) {
        int n = gamma.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            sum += v * v;
        }
        float meanSquare = (float) (sum / n);
        float inv = (float) (1.0 / Math.sqrt(meanSquare + eps));
        for (int i = 0; i < n; i++) {
            x[off + i] = x[off + i] * inv * gamma[i];
        }
    }

    /** Normalizes {@code rows} consecutive rows of {@code size} floats from {@code src} into {@code dst}. */
    public void applyRows(dev.st4j.engine.kernels.Parallel parallel, float[] src, float[] dst, int rows) {
        int n = gamma.length;
        Rows.forEach(parallel, rows, r -> {
            if (src != dst) {
                System.arraycopy(src, r * n, dst, r * n, n);
            }
            apply(dst, r * n);
        });
    }
}
