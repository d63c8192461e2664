package dev.st4j.engine.kernels;

/**
 * The numeric building blocks of a transformer forward pass. Two implementations exist: {@link ScalarKernels} in
 * plain Java, always available, and a Vector API one used when {@code jdk.incubator.vector} is present. The choice
 * is made once per JVM by {@link #preferred()}; nothing outside this package knows which one runs.
 *
 * <p>Arrays are row-major; offsets and lengths are in floats. Every method is thread-safe.
 */
public interface Kernels {

    /** What runs, for {@code describe()}: {@code "scalar"} or {@code "vector API 512-bit"}. */
    String describe();

    /** Sum of {@code a[aOff + i] * b[bOff + i]} for {@code i < n}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * {@code out[r, c] = bias[c] + dot(x[r, :], w[c, :])} for {@code r < rows}, {@code c < w.rows()}: a linear layer
     * with the weight in PyTorch's {@code [out, in]} layout, blocked so a tile of {@code w} stays in cache and split
     * over the threads of {@code parallel}.
     *
     * @param x {@code [rows, w.columns()]}
     * @param bias {@code [w.rows()]}, or null for none
     * @param out {@code [rows, w.rows()]}, overwritten
     */
    void matmul(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out);

    /**
     * {@code w} in the layout this set's {@link #matmul} reads, packed once so that calls skip their packing step:
     * F32 weights are packed (on the heap, as many bytes as the matrix); 16-bit weights are returned as they are,
     * so they stay memory-mapped and half the size, widened a tile at a time by each call. The result computes
     * exactly what {@code w} does.
     */
    WeightMatrix prepare(WeightMatrix w);

    /**
     * {@link #matmul} followed by {@link #gelu} on the result, applied to each tile while it is still in cache
     * (a transformer's feed-forward up-projection).
     */
    void matmulGelu(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out);

    /** Softmax of {@code x[off, off + n)} in place: max-subtracted exponent, sum and scale in one pass each. */
    void softmax(float[] x, int off, int n);

    /**
     * {@code x[off, off + n) = layerNorm(x + residual)} in place, with per-element {@code gamma} and {@code beta}
     * ({@code residual} may be null).
     */
    void addLayerNorm(float[] x, int off, float[] residual, int n, float[] gamma, float[] beta, float eps);

    /** Exact GELU, {@code x * (1 + erf(x / sqrt 2)) / 2}, in place on {@code x[off, off + n)}. */
    void gelu(float[] x, int off, int n);

    /**
     * One head of self-attention over one sequence: for each of its {@code len} tokens {@code i},
     * {@code out[i] = sum_j softmax_j(scale * q[i] . k[j]) v[j]}. Token {@code t}'s query, key and value (of
     * {@code headSize} floats each) start at {@code qOff}, {@code kOff}, {@code vOff} {@code + t * stride} in
     * {@code qkv}; its output at {@code outOff + t * outStride} in {@code out}.
     */
    default void attention(float[] qkv, int stride, int qOff, int kOff, int vOff, int len, int headSize,
            float scale, float[] out, int outOff, int outStride) {
        attention(qkv, stride, qOff, kOff, vOff, len, headSize, scale, null, out, outOff, outStride);
    }

    /**
     * {@link #attention(float[], int, int, int, int, int, int, float, float[], int, int)} with {@code bias} (may be
     * null) added to each query's scaled scores before the softmax.
     */
    default void attention(float[] qkv, int stride, int qOff, int kOff, int vOff, int len, int headSize, float scale,
            ScoreBias bias, float[] out, int outOff, int outStride) {
        attention(qkv, stride, qOff, kOff, vOff, len, headSize, scale, bias, out, outOff, outStride,
                new float[attentionWorkFloats(len, headSize)]);
    }

    /**
     * As {@link #attention(float[], int, int, int, int, int, int, float, ScoreBias, float[], int, int)}, with the
     * scratch in {@code work} (at least {@link #attentionWorkFloats} floats, contents ignored), so that a forward
     * pass that reuses its buffers allocates nothing per call.
     */
    void attention(float[] qkv, int stride, int qOff, int kOff, int vOff, int len, int headSize, float scale,
            ScoreBias bias, float[] out, int outOff, int outStride, float[] work);

    /** Floats of scratch {@link #attention} needs for one head of {@code headSize} over {@code len} tokens. */
    int attentionWorkFloats(int len, int headSize);

    /** {@code y[yOff + i] += a * x[xOff + i]} for {@code i < n}. */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /** The fastest implementation this JVM can run, chosen (and logged) once. */
    static Kernels preferred() {
        return KernelsChoice.PREFERRED;
    }

    /** The plain-Java implementation. */
    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** SiLU (swish), {@code x / (1 + exp(-x))}, in place on {@code x[off, off + n)}: SwiGLU's gate. */
    void silu(float[] x, int off, int n);

    /**
     * GELU's tanh approximation, {@code x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) / 2}, in place on
     * {@code x[off, off + n)} (transformers' {@code gelu_pytorch_tanh} and {@code gelu_new}): Gemma's gate.
     */
    void geluTanh(float[] x, int off, int n);
}
