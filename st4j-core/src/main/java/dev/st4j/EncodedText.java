package dev.st4j;

/**
 * Everything {@code encode} computes for one text (Python's {@code output_value=None}), padding removed as
 * Python's {@code token_embeddings} output removes it (trailing padding only: a left-padded row keeps its leading
 * padding, with mask 0).
 *
 * @param tokenEmbeddings {@code [tokens, hidden]}; empty ({@code [0, 0]}) for a model without token embeddings
 * @param inputIds the token ids, parallel to the rows of {@code tokenEmbeddings}
 * @param attentionMask 1 for real tokens, 0 for padding, parallel to {@code inputIds}
 * @param sentenceEmbedding the vector {@code encode} returns for the text
 */
public record EncodedText(FloatMatrix tokenEmbeddings, long[] inputIds, long[] attentionMask,
        float[] sentenceEmbedding) {

    /** The text's token count (its rows of token embeddings). */
    public int tokenCount() {
        return inputIds.length;
    }
}
