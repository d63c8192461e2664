package dev.st4j.engine.layers;

import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.ScoreBias;
import dev.st4j.engine.kernels.Workspace;
import dev.st4j.engine.batch.PackedBatch;
import java.util.List;

/**
 * The original Transformer encoder stack, as BERT, RoBERTa, DistilBERT and MPNet use it: per layer, bidirectional
 * multi-head self-attention and a GELU feed-forward, each added to its input and then LayerNorm-ed ("post-LN").
 */
public final class PostLnEncoder {
    /** Rows per task for the element-wise steps, enough to amortise the hand-off to a thread. */
    private static final int ROWS_PER_TASK = 16;
    /** Attention tasks per thread, at least (pairs permitting): enough to balance, few enough to cost nothing. */
    private static final int ATTENTION_TASKS_PER_THREAD = 16;

    private final Kernels kernels;
    private final List<EncoderLayer> layers;
    private final int hidden;
    private final int heads;
    private final int headSize;
    private final int intermediate;
    private final float eps;
    private final ScoreBias[] headBias;
    private final java.util.Queue<Activations> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * @param headBias one additive score term per head, shared by all layers (MPNet's relative-position bias), or
     *     null for plain attention
     */
    public PostLnEncoder(Kernels kernels, List<EncoderLayer> layers, int hidden, int heads, int intermediate,
            float eps, ScoreBias[] headBias) {
        if (headBias != null && headBias.length != heads) {
            throw new IllegalArgumentException(headBias.length + " head biases for " + heads + " heads");
        }
        this.kernels = kernels;
        this.layers = layers.stream().map(l -> prepared(kernels, l)).toList();
        this.hidden = hidden;
        this.heads = heads;
        this.headSize = hidden / heads;
        this.intermediate = intermediate;
        this.eps = eps;
        this.headBias = headBias == null ? null : headBias.clone();
    }

    public int hiddenSize() {
        return hidden;
    }

    /** The layer with its matrices in the kernels' own layout, packed once here instead of in every matmul. */
    private static EncoderLayer prepared(Kernels k, EncoderLayer l) {
        return new EncoderLayer(k.prepare(l.qkv()), l.qkvBias(), k.prepare(l.attnOut()), l.attnOutBias(),
                l.attnGamma(), l.attnBeta(), k.prepare(l.up()), l.upBias(), k.prepare(l.down()), l.downBias(),
                l.outGamma(), l.outBeta());
    }

    /**
     * Buffers for one forward pass of {@code packed} through this stack ({@link Activations#x()} is its input),
     * from this stack's pool; hand them back with {@link #release}.
     */
    public Activations activations(PackedBatch packed) {
        return Activations.reserve(pool.poll(), packed.tokens(), hidden, intermediate);
    }

    /** Returns buffers from {@link #activations} to the pool for later batches (unless they are huge). */
    public void release(Activations a) {
        if (a.reusable()) {
            pool.offer(a);
        }
    }

    /** Heap bytes of the weight matrices packed at load for the kernels. */
    public long packedWeightBytes() {
        return layers.stream().mapToLong(l -> l.qkv().packedBytes() + l.attnOut().packedBytes()
                + l.up().packedBytes() + l.down().packedBytes()).sum();
    }

    /** Runs every layer over the packed hidden states {@code a.x()}, in place. */
    public void forward(Activations a, PackedBatch packed, Parallel parallel) {
        forward(a, packed, parallel, null);
    }

    /**
     * As {@link #forward(Activations, PackedBatch, Parallel)}, handing {@code afterLayer} the packed hidden states
     * after each layer (for {@code output_hidden_states}); it must copy what it keeps.
     */
    public void forward(Activations a, PackedBatch packed, Parallel parallel,
            java.util.function.Consumer<float[]> afterLayer) {
        int tokens = packed.tokens();
        float[] x = a.x;
        for (EncoderLayer layer : layers) {
            // Self-attention, then out-projection + residual + LayerNorm.
            kernels.matmul(parallel, x, tokens, layer.qkv(), layer.qkvBias(), a.qkv);
            attention(a.qkv, a.context, packed, parallel);
            kernels.matmul(parallel, a.context, tokens, layer.attnOut(), layer.attnOutBias(), a.y);
            addLayerNorm(a.y, x, tokens, layer.attnGamma(), layer.attnBeta(), parallel);
            // Feed-forward: up-projection, GELU, down-projection + residual + LayerNorm.
            kernels.matmulGelu(parallel, a.y, tokens, layer.up(), layer.upBias(), a.inner);
            kernels.matmul(parallel, a.inner, tokens, layer.down(), layer.downBias(), x);
            addLayerNorm(x, a.y, tokens, layer.outGamma(), layer.outBeta(), parallel);
            if (afterLayer != null) {
                afterLayer.accept(x);
            }
        }
    }

    /**
     * softmax(q k^T / sqrt(d) + bias) v for each sequence and head, over that sequence's tokens, writing its own
     * column slice of {@code context}. Row {@code t} of {@code qkv} holds token {@code t}'s query, key and value
     * side by side. The (sequence, head) pairs go in runs of consecutive pairs, {@value #ATTENTION_TASKS_PER_THREAD}
     * runs per thread (a batch of 32 sequences of 12 heads: 32 tasks of 12 pairs on 2 threads, not 384 tasks of
     * a few microseconds each; one long sequence: one head per task), each with one borrowed workspace.
     */
    private void attention(float[] qkv, float[] context, PackedBatch packed, Parallel parallel) {
        float scale = (float) (1.0 / Math.sqrt(headSize));
        int stride = 3 * hidden;
        int pairs = packed.sequences() * heads;
        int run = Math.max(1, pairs / (ATTENTION_TASKS_PER_THREAD * parallel.threads()));
        parallel.forEach((pairs + run - 1) / run, task -> {
            Workspace work = parallel.borrow(Workspace.class, Workspace::new);
            try {
                for (int pair = task * run; pair < Math.min(pairs, (task + 1) * run); pair++) {
                    int s = pair / heads;
                    int head = pair % heads;
                    int col = head * headSize;
                    int q = packed.offset(s) * stride + col;
                    int len = packed.length(s);
                    kernels.attention(qkv, stride, q, q + hidden, q + 2 * hidden, len, headSize, scale,
                            headBias == null ? null : headBias[head], context, packed.offset(s) * hidden + col,
                            hidden, work.floats(kernels.attentionWorkFloats(len, headSize)));
                }
            } finally {
                parallel.giveBack(work);
            }
        });
    }

    private void addLayerNorm(float[] x, float[] residual, int tokens, float[] gamma, float[] beta,
            Parallel parallel) {
        parallel.forEach((tokens + ROWS_PER_TASK - 1) / ROWS_PER_TASK, t -> {
            int end = Math.min(tokens, (t + 1) * ROWS_PER_TASK);
            for (int r = t * ROWS_PER_TASK; r < end; r++) {
                kernels.addLayerNorm(x, r * hidden, residual, hidden, gamma, beta, eps);
            }
        });
    }
}
