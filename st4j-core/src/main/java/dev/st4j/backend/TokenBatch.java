package dev.st4j.backend;

/**
 * A padded batch of tokenized texts, ready for a transformer forward pass. Arrays are row-major
 * {@code [batchSize, seqLength]}; padding is on the right and has attention 0.
 *
 * @param batchSize number of texts
 * @param seqLength length of the longest text in the batch (every row is padded to it)
 * @param inputIds token ids
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds segment ids (all 0 for single texts)
 * @param lengths the real token count of each row
 */
public record TokenBatch(
        int batchSize, int seqLength, long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int[] lengths) {

    public TokenBatch {
        long cells = (long) batchSize * seqLength;
        if (inputIds.length != cells || attentionMask.length != cells || tokenTypeIds.length != cells
                || lengths.length != batchSize) {
            throw new IllegalArgumentException("arrays do not match shape [" + batchSize + ", " + seqLength + "]");
        }
    }

    /** Total real tokens in the batch (excluding padding). */
    public long realTokens() {
        long sum = 0;
        for (int len : lengths) {
            sum += len;
        }
        return sum;
    }
}
