package dev.st4j.engine.rotary;

import dev.st4j.engine.batch.PackedBatch;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.WeightMatrix;
import dev.st4j.engine.kernels.Workspace;

/**
 * Multi-head self-attention with grouped-query heads (each key/value head serves {@code heads / kvHeads} query
 * heads), optional per-head RMSNorm of queries and keys, rotary positions, optional logit soft-capping, and a mask
 * ({@link AttentionMask}: bidirectional or causal, full or windowed).
 *
 * <p>Query, key and value projections read the same input, so they are one matmul over a stacked
 * {@code [(heads + 2 * kvHeads) * headDim, hidden]} matrix: each packed row then holds the token's queries, keys and
 * values side by side. Attention runs per sequence and query head over that sequence's tokens only.
 */
public final class SelfAttention {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final WeightMatrix qkv;
    private final float[] qkvBias;
    private final WeightMatrix out;
    private final float[] outBias;
    private final RmsNorm queryNorm;
    private final RmsNorm keyNorm;
    private final float scale;
    private final float softcap;
    private final AttentionMask mask;

    /**
     * @param qkv stacked {@code [(heads + 2 * kvHeads) * headDim, hidden]}
     * @param qkvBias its bias, or null
     * @param out {@code [hidden, heads * headDim]}
     * @param outBias its bias, or null
     * @param queryNorm per-head norm of queries before the rotation, or null
     * @param keyNorm per-head norm of keys, or null
     * @param scale the factor on {@code q . k} (usually {@code headDim^-0.5})
     * @param softcap {@code c} of {@code c * tanh(score / c)}, or 0 for none
     */
    public SelfAttention(int heads, int kvHeads, int headDim, WeightMatrix qkv, float[] qkvBias, WeightMatrix out,
            float[] outBias, RmsNorm queryNorm, RmsNorm keyNorm, float scale, float softcap, AttentionMask mask) {
        if (heads % kvHeads != 0 || qkv.rows() != (heads + 2 * kvHeads) * headDim
                || out.columns() != heads * headDim) {
            throw new IllegalArgumentException("attention shapes disagree: " + heads + " heads, " + kvHeads
                    + " kv heads of " + headDim + ", qkv " + qkv.rows() + " rows, out " + out.columns() + " columns");
        }
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.qkv = qkv;
        this.qkvBias = qkvBias;
        this.out = out;
        this.outBias = outBias;
        this.queryNorm = queryNorm;
        this.keyNorm = keyNorm;
        this.scale = scale;
        this.softcap = softcap;
        this.mask = mask;
    }

    public AttentionMask mask() {
        return mask;
    }

    /** This attention with its matrices in {@code kernels}' own layout, packed once instead of in every matmul. */
    public SelfAttention prepared(Kernels kernels) {
        return new SelfAttention(heads, kvHeads, headDim, kernels.prepare(qkv), qkvBias, kernels.prepare(out),
                outBias, queryNorm, keyNorm, scale, softcap, mask);
    }

    /** Heap bytes of the matrices packed by {@link #prepared}. */
    public long packedWeightBytes() {
        return qkv.packedBytes() + out.packedBytes();
    }

    /**
     * {@code result = out(attention(x))} over the packed tokens of {@code batch}, with {@code angles} the rotations
     * of their positions; {@code result} may not alias {@code x}.
     */
    public void forward(Kernels kernels, Parallel parallel, float[] x, PackedBatch batch,
            RotaryEmbedding.Angles angles, float[] result) {
        int tokens = batch.tokens();
        int stride = (heads + 2 * kvHeads) * headDim;
        float[] projected = new float[tokens * stride];
        kernels.matmul(parallel, x, tokens, qkv, qkvBias, projected);
        int keys = heads * headDim;
        Rows.forEach(parallel, tokens, t -> {
            int row = t * stride;
            for (int h = 0; h < heads + kvHeads; h++) {
                int off = row + h * headDim;
                RmsNorm norm = h < heads ? queryNorm : keyNorm;
                if (norm != null) {
                    norm.apply(projected, off);
                }
                angles.rotate(t, projected, off);
            }
        });
        float[] context = new float[tokens * keys];
        int group = heads / kvHeads;
        parallel.forEach(batch.sequences() * heads, task -> {
            int s = task / heads;
            int h = task % heads;
            int kv = h / group;
            int first = batch.offset(s);
            if (mask.equals(AttentionMask.bidirectional()) && softcap == 0) {
                // Every key of the sequence: the kernels' blocked attention, which reads q, k, v at any offsets.
                int q = first * stride;
                int len = batch.length(s);
                Workspace work = parallel.borrow(Workspace.class, Workspace::new);
                try {
                    kernels.attention(projected, stride, q + h * headDim, q + keys + kv * headDim,
                            q + keys + (kvHeads + kv) * headDim, len, headDim, scale, null, context,
                            first * keys + h * headDim, keys, work.floats(kernels.attentionWorkFloats(len, headDim)));
                } finally {
                    parallel.giveBack(work);
                }
                return;
            }
            attendOne(kernels, projected, stride, first, batch.length(s), h * headDim,
                    keys + kv * headDim, keys + (kvHeads + kv) * headDim, context, keys);
        });
        kernels.matmul(parallel, context, tokens, out, outBias, result);
    }

    /** One query head over one sequence of {@code len} packed rows starting at row {@code first}. */
    private void attendOne(Kernels kernels, float[] p, int stride, int first, int len, int qCol, int kCol, int vCol,
            float[] context, int contextStride) {
        float[] scores = new float[len];
        for (int i = 0; i < len; i++) {
            int lo = mask.first(i);
            int hi = mask.last(i, len);
            int q = (first + i) * stride + qCol;
            for (int j = lo; j <= hi; j++) {
                float s = kernels.dot(p, q, p, (first + j) * stride + kCol, headDim) * scale;
                scores[j - lo] = softcap == 0 ? s : (float) (softcap * Math.tanh(s / softcap));
            }
            int n = hi - lo + 1;
            kernels.softmax(scores, 0, n);
            int o = (first + i) * contextStride + qCol;
            for (int j = 0; j < n; j++) {
                kernels.axpy(scores[j], p, (first + lo + j) * stride + vCol, context, o, headDim);
            }
        }
    }
}
