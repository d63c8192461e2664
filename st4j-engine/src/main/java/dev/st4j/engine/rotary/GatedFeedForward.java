package dev.st4j.engine.rotary;

import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.WeightMatrix;

/**
 * A gated feed-forward (GLU family: GeGLU, SwiGLU): {@code down(act(gate(x)) * up(x))}. The gate and up
 * projections read the same input, so they run as one matmul over a {@code [2 * inner, hidden]} matrix whose first
 * half is the activated gate and second half the multiplier (ModernBERT stores its {@code Wi} that way; Llama-style
 * checkpoints store {@code gate_proj} and {@code up_proj} apart and are stacked at load).
 */
public final class GatedFeedForward {
    private final WeightMatrix gateUp;
    private final float[] gateUpBias;
    private final WeightMatrix down;
    private final float[] downBias;
    private final Activation activation;
    private final int inner;

    /**
     * @param gateUp {@code [2 * inner, hidden]}: gate rows, then up rows
     * @param gateUpBias {@code [2 * inner]} or null
     * @param down {@code [hidden, inner]}
     * @param downBias {@code [hidden]} or null
     */
    public GatedFeedForward(WeightMatrix gateUp, float[] gateUpBias, WeightMatrix down, float[] downBias,
            Activation activation) {
        if (gateUp.rows() != 2 * down.columns() || gateUp.columns() != down.rows()) {
            throw new IllegalArgumentException("gate/up " + gateUp.rows() + "x" + gateUp.columns()
                    + " does not fit down " + down.rows() + "x" + down.columns());
        }
        this.gateUp = gateUp;
        this.gateUpBias = gateUpBias;
        this.down = down;
        this.downBias = downBias;
        this.activation = activation;
        this.inner = down.columns();
    }

    /** This feed-forward with its matrices in {@code kernels}' own layout, packed once instead of in every matmul. */
    public GatedFeedForward prepared(Kernels kernels) {
        return new GatedFeedForward(kernels.prepare(gateUp), gateUpBias, kernels.prepare(down), downBias,
                activation);
    }

    /** Heap bytes of the matrices packed by {@link #prepared}. */
    public long packedWeightBytes() {
        return gateUp.packedBytes() + down.packedBytes();
    }

    /**
     * Rows per pass: the {@code [rows, 3 * inner]} intermediate stays bounded (9 MB for Qwen3-0.6B) however many
     * tokens a batch holds, and a pass still has enough rows for the matmul tiles.
     */
    private static final int CHUNK_ROWS = 256;

    /** {@code out = ffn(x)} for {@code tokens} rows; {@code out} may not alias {@code x}. */
    public void forward(Kernels kernels, Parallel parallel, float[] x, int tokens, float[] out) {
        int hidden = down.rows();
        int chunk = Math.min(tokens, CHUNK_ROWS);
        float[] both = new float[chunk * 2 * inner];
        float[] gated = new float[chunk * inner];
        float[] in = tokens <= chunk ? x : new float[chunk * hidden];
        float[] result = tokens <= chunk ? out : new float[chunk * hidden];
        for (int first = 0; first < tokens; first += chunk) {
            int rows = Math.min(chunk, tokens - first);
            if (in != x) {
                System.arraycopy(x, first * hidden, in, 0, rows * hidden);
            }
            kernels.matmul(parallel, in, rows, gateUp, gateUpBias, both);
            Rows.forEach(parallel, rows, r -> {
                int g = r * 2 * inner;
                activation.apply(kernels, both, g, inner);
                int o = r * inner;
                for (int i = 0; i < inner; i++) {
                    gated[o + i] = both[g + i] * both[g + inner + i];
                }
            });
            kernels.matmul(parallel, gated, rows, down, downBias, result);
            if (result != out) {
                System.arraycopy(result, 0, out, first * hidden, rows * hidden);
            }
        }
    }
}
