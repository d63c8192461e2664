package dev.st4j;

/**
 * Options of {@link SemanticSearch#paraphraseMining}, with Python's {@code paraphrase_mining} defaults. Build with
 * {@link #builder()}.
 *
 * @param queryChunkSize rows scored together as queries (default 5,000)
 * @param corpusChunkSize rows per corpus chunk (default 100,000); as in Python each chunk offers its own
 *     {@code topK} partners per row, so a smaller chunk can return more pairs
 * @param maxPairs Python's cap (default 500,000): its queue of directed pairs holds at most {@code maxPairs - 1}
 *     once full, so after deduplication about half as many unordered pairs come back
 * @param topK partners considered per text (default 100)
 * @param scoreFunction the scores (default cosine similarity)
 */
public record MiningOptions(int queryChunkSize, int corpusChunkSize, int maxPairs, int topK,
        ScoreFunction scoreFunction) {

    private static final MiningOptions DEFAULTS = builder().build();

    public MiningOptions {
        if (queryChunkSize <= 0 || corpusChunkSize <= 0) {
            throw new IllegalArgumentException("queryChunkSize and corpusChunkSize must be positive, got "
                    + queryChunkSize + " and " + corpusChunkSize);
        }
        if (maxPairs <= 0) {
            throw new IllegalArgumentException("maxPairs must be positive, got " + maxPairs);
        }
        if (topK <= 0) {
            throw new IllegalArgumentException("topK must be positive, got " + topK);
        }
        if (scoreFunction == null) {
            throw new IllegalArgumentException("scoreFunction must not be null");
        }
    }

    public static MiningOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link MiningOptions}. */
    public static final class Builder {
        private int queryChunkSize = 5000;
        private int corpusChunkSize = 100_000;
        private int maxPairs = 500_000;
        private int topK = 100;
        private ScoreFunction scoreFunction = SimilarityFunction.COSINE;

        private Builder() {}

        public Builder queryChunkSize(int queryChunkSize) {
            this.queryChunkSize = queryChunkSize;
            return this;
        }

        public Builder corpusChunkSize(int corpusChunkSize) {
            this.corpusChunkSize = corpusChunkSize;
            return this;
        }

        public Builder maxPairs(int maxPairs) {
            this.maxPairs = maxPairs;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder scoreFunction(ScoreFunction scoreFunction) {
            this.scoreFunction = scoreFunction;
            return this;
        }

        public MiningOptions build() {
            return new MiningOptions(queryChunkSize, corpusChunkSize, maxPairs, topK, scoreFunction);
        }
    }
}
