package dev.st4j.engine.layers;

/**
 * How a token's row of the learned position table is chosen, as transformers does when no {@code position_ids} are
 * passed (sentence-transformers passes none).
 *
 * @param paddingId the padding id of fairseq's rule, or -1 for positions that are columns
 */
public record PositionIds(long paddingId) {

    /** BERT's and DistilBERT's positions: a token's column in the padded row ({@code arange(seq_len)}). */
    public static PositionIds columns() {
        return new PositionIds(-1);
    }

    /**
     * fairseq's positions (RoBERTa, XLM-R, MPNet): non-padding tokens count from {@code paddingIdx + 1} whatever
     * the padding side, and a token whose id is {@code paddingIdx} takes that row and is not counted.
     */
    public static PositionIds afterPadding(int paddingIdx) {
        return new PositionIds(paddingIdx);
    }

    /** The position of a sequence's first real token, which sits at {@code column} of its padded row. */
    public int first(int column) {
        return paddingId < 0 ? column : (int) paddingId + 1;
    }
}
