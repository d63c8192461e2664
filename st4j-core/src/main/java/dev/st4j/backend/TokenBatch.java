package dev.st4j.backend;

/**
 * A padded batch of tokenized texts, ready for a transformer forward pass. Arrays are row-major
 * {@code [batchSize, seqLength]}; padding has attention 0. Padding is on the right (encoders), or on the left when
 * the tokenizer pads left ({@code padding_side: left}, as decoder embedders such as Qwen3-Embedding do). Either
 * way a row's real tokens are one contiguous run of attention 1, and {@code lengths} counts them; backends find
 * where the run starts with {@link #firstRealToken(int)}, never by assuming it starts at 0.
 *
 * @param batchSize number of texts
 * @param seqLength length of the longest text in the batch (every row is padded to it)
 * @param inputIds token ids
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds segment ids (all 0 for single texts)
 * @param lengths the real token count of each row (the number of 1s in its attention mask)
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

    /**
     * Column of row {@code row}'s first real token: 0 when padded on the right, the number of pads when padded on
     * the left ({@code seqLength} for a row without real tokens).
     */
    public int firstRealToken(int row) {
        int p = 0;
        while (p < seqLength && attentionMask[row * seqLength + p] == 0) {
            p++;
        }
        return p;
    }
}
