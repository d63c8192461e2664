package dev.st4j.internal.pipeline;

import dev.st4j.backend.TokenBatch;
import dev.st4j.pipeline.Pooling;

/**
 * What flows through the module pipeline for one batch, named as in sentence-transformers' feature dictionary:
 * the tokenized batch, then {@code token_embeddings}, then {@code sentence_embedding}.
 *
 * <p>Backends always see the batch padded on the right. When the tokenizer pads on the left (as many decoder
 * models do), the input module lays its token embeddings out left-padded afterwards ({@link #padLeft}), so that
 * pooling and {@code output_value} see the batch as Python does.
 */
public final class Features {
    private final TokenBatch batch;
    private final int promptLength;
    private long[] inputIds;
    private long[] attentionMask;
    private boolean leftPadded;
    private float[] tokenEmbeddings;
    private int tokenDim;
    private float[] tokenWeightsSum;
    private boolean allLayersRequested;
    private float[][] allLayerEmbeddings;
    private float[] sentenceEmbeddings;
    private int sentenceDim;

    public Features(TokenBatch batch, int promptLength) {
        this.batch = batch;
        this.promptLength = promptLength;
        this.inputIds = batch.inputIds();
        this.attentionMask = batch.attentionMask();
    }

    /** The batch as the backend received it (right-padded). */
    public TokenBatch batch() {
        return batch;
    }

    /** Tokens of the prompt at the start of each text (0 without a prompt); Pooling may exclude them. */
    public int promptLength() {
        return promptLength;
    }

    /** {@code [batch, seq]} ids in the layout of {@link #tokenEmbeddings()}. */
    public long[] inputIds() {
        return inputIds;
    }

    /** {@code [batch, seq]} mask in the layout of {@link #tokenEmbeddings()}. */
    public long[] attentionMask() {
        return attentionMask;
    }

    /** Whether rows are padded on the left (real tokens at the end). */
    public boolean leftPadded() {
        return leftPadded;
    }

    /** {@code [batch, seq, tokenDim]}, row-major. */
    public float[] tokenEmbeddings() {
        return tokenEmbeddings;
    }

    public int tokenDim() {
        return tokenDim;
    }

    public void setTokenEmbeddings(float[] values, int dim) {
        this.tokenEmbeddings = values;
        this.tokenDim = dim;
    }

    /** Whether a module of this call mixes layers, so the input module should keep every layer's output. */
    public boolean allLayersRequested() {
        return allLayersRequested;
    }

    public void requestAllLayers() {
        this.allLayersRequested = true;
    }

    /**
     * Python's {@code all_layer_embeddings}: the embedding output, then every layer's, each laid out as
     * {@link #tokenEmbeddings()}; null unless requested and the Transformer's config sets
     * {@code output_hidden_states}.
     */
    public float[][] allLayerEmbeddings() {
        return allLayerEmbeddings;
    }

    public void setAllLayerEmbeddings(float[][] layers) {
        this.allLayerEmbeddings = layers;
    }

    /** Per-row sum of token weights (set by WordWeights; Pooling's means divide by it), or null. */
    public float[] tokenWeightsSum() {
        return tokenWeightsSum;
    }

    public void setTokenWeightsSum(float[] sums) {
        this.tokenWeightsSum = sums;
    }

    /** {@code [batch, sentenceDim]}, row-major. */
    public float[] sentenceEmbeddings() {
        return sentenceEmbeddings;
    }

    public int sentenceDim() {
        return sentenceDim;
    }

    public void setSentenceEmbeddings(float[] values, int dim) {
        this.sentenceEmbeddings = values;
        this.sentenceDim = dim;
    }

    /** Moves every row's real tokens (ids, mask, token embeddings) to the end of the row: Python's left padding. */
    public void padLeft() {
        if (leftPadded) {
            return;
        }
        int b = batch.batchSize();
        int seq = batch.seqLength();
        long[] ids = new long[inputIds.length];
        long[] mask = new long[attentionMask.length];
        for (int r = 0; r < b; r++) {
            int n = batch.lengths()[r];
            int shift = seq - n;
            long padId = n < seq ? inputIds[r * seq + n] : 0;
            java.util.Arrays.fill(ids, r * seq, r * seq + shift, padId);
            System.arraycopy(inputIds, r * seq, ids, r * seq + shift, n);
            java.util.Arrays.fill(mask, r * seq + shift, (r + 1) * seq, 1L);
        }
        inputIds = ids;
        attentionMask = mask;
        tokenEmbeddings = shiftedLeft(tokenEmbeddings);
        if (allLayerEmbeddings != null) {
            for (int i = 0; i < allLayerEmbeddings.length; i++) {
                allLayerEmbeddings[i] = shiftedLeft(allLayerEmbeddings[i]);
            }
        }
        leftPadded = true;
    }

    /** A right-padded {@code [batch, seq, tokenDim]} array with each row's real tokens moved to its end. */
    private float[] shiftedLeft(float[] values) {
        if (values == null) {
            return null;
        }
        int seq = batch.seqLength();
        int h = tokenDim;
        float[] out = new float[values.length];
        for (int r = 0; r < batch.batchSize(); r++) {
            int n = batch.lengths()[r];
            System.arraycopy(values, r * seq * h, out, (r * seq + seq - n) * h, n * h);
        }
        return out;
    }
}
