package dev.st4j.engine.kernels;

/** Plain-Java kernels: the reference the vector ones are tested against, and the fallback without the Vector API. */
final class ScalarKernels extends TiledKernels {
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
    TiledMatmul.Tile tile() {
        return TILE;
    }

    private static final TiledMatmul.Tile TILE = new TiledMatmul.Tile() {
        @Override
        public int columns() {
            return 16;
        }

        @Override
        public void compute(float[] x, int rowStart, int rowEnd, int k, float[] packed, float[] bias, float[] out,
                int n, int c0, int valid) {
            float[] acc = new float[16];
            for (int r = rowStart; r < rowEnd; r++) {
                System.arraycopy(bias, 0, acc, 0, 16);
                for (int i = 0; i < k; i++) {
                    float xv = x[r * k + i];
                    for (int j = 0; j < 16; j++) {
                        acc[j] = Math.fma(xv, packed[i * 16 + j], acc[j]);
                    }
                }
                System.arraycopy(acc, 0, out, r * n + c0, valid);
            }
        }
    };

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
    public void attention(float[] qkv, int stride, int qOff, int kOff, int vOff, int len, int headSize,
            float scale, ScoreBias bias, float[] out, int outOff, int outStride, float[] scores) {
        for (int i = 0; i < len; i++) {
            int qi = qOff + i * stride;
            for (int j = 0; j < len; j++) {
                scores[j] = dot(qkv, qi, qkv, kOff + j * stride, headSize) * scale;
            }
            if (bias != null) {
                bias.addTo(i, scores, 0, len);
            }
            softmax(scores, 0, len);
            int oi = outOff + i * outStride;
            java.util.Arrays.fill(out, oi, oi + headSize, 0f);
            for (int j = 0; j < len; j++) {
                axpy(scores[j], qkv, vOff + j * stride, out, oi, headSize);
            }
        }
    }

    @Override
    public int attentionWorkFloats(int len, int headSize) {
        return len;
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void silu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (v / (1 + Math.exp(-v)));
        }
    }

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    @Override
    public void geluTanh(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
        }
    }
}
