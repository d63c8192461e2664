package dev.st4j.engine.layers;

/**
 * How a token's row of the learned position table is chosen: counting real tokens from {@code first}, with tokens
 * whose id is {@code paddingId} (if any) pinned to that row and not counted.
 */
public record PositionIds(int first, long paddingId) {

    /** BERT's and DistilBERT's positions: 0, 1, 2, ... */
    public static PositionIds fromZero() {
        return new PositionIds(0, -1);
    }

    /**
     * fairseq's positions (RoBERTa, XLM-R, MPNet): non-padding tokens count from {@code paddingIdx + 1}, a padding
     * token gets {@code paddingIdx}, so a table of {@code n} rows serves {@code n - paddingIdx - 1} tokens.
     */
    public static PositionIds afterPadding(int paddingIdx) {
        return new PositionIds(paddingIdx + 1, paddingIdx);
    }

    /** The most tokens a sequence may have with a table of {@code tableRows} positions. */
    public int maxLength(int tableRows) {
        return tableRows - first;
    }
}
