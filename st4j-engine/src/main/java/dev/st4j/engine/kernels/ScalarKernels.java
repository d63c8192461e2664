package dev.st4j.engine.kernels;

/** Plain-Java kernels: the reference the vector ones are tested against, and the fallback without the Vector API. */
final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void matmul(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out) {
        TiledMatmul.run(parallel, x, rows, w, bias, out, this::tile);
    }

    private void tile(float[] x, int rowStart, int rowEnd, float[] tile, int tileRows, int k, float[] out, int n,
            int c0, float[] bias) {
        for (int r = rowStart; r < rowEnd; r++) {
            for (int j = 0; j < tileRows; j++) {
                float b = bias == null ? 0f : bias[c0 + j];
                out[r * n + c0 + j] = b + dot(x, r * k, tile, j * k, k);
            }
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    @Override
    public void addLayerNorm(float[] x, int off, float[] residual, int n, float[] gamma, float[] beta, float eps) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float v = residual == null ? x[off + i] : x[off + i] + residual[off + i];
            x[off + i] = v;
            sum += v;
        }
        float mean = sum / n;
        float sq = 0;
        for (int i = 0; i < n; i++) {
            float d = x[off + i] - mean;
            sq = Math.fma(d, d, sq);
        }
        float inv = (float) (1.0 / Math.sqrt(sq / n + eps));
        for (int i = 0; i < n; i++) {
            x[off + i] = (x[off + i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            x[off + i] = gelu(x[off + i]);
        }
    }

    /** Exact GELU through erfc, which keeps full relative precision for negative inputs. */
    static float gelu(float v) {
        double z = Math.abs(v) * Erf.FRAC_1_SQRT_2;
        double erfc = Erf.erfc(z);
        return (float) (v < 0 ? 0.5 * v * erfc : 0.5 * v * (2 - erfc));
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }
}
