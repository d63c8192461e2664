package dev.st4j.pipeline;

import dev.st4j.backend.TokenBatch;

/**
 * What flows through the module pipeline for one batch, named as in sentence-transformers' feature dictionary:
 * the tokenized batch, then {@code token_embeddings}, then {@code sentence_embedding}.
 */
public final class Features {
    private final TokenBatch batch;
    private final int promptLength;
    private float[] tokenEmbeddings;
    private int tokenDim;
    private float[] sentenceEmbeddings;
    private int sentenceDim;

    public Features(TokenBatch batch, int promptLength) {
        this.batch = batch;
        this.promptLength = promptLength;
    }

    public TokenBatch batch() {
        return batch;
    }

    /** Tokens of the prompt at the start of each text (0 without a prompt); Pooling may exclude them. */
    public int promptLength() {
        return promptLength;
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
}
