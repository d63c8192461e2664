package dev.st4j;

/**
 * Options of {@link SemanticSearch#semanticSearch}, with Python's {@code semantic_search} defaults. Build with
 * {@link #builder()}.
 *
 * @param topK corpus rows returned per query (default 10)
 * @param queryChunkSize queries scored together (default 100)
 * @param corpusChunkSize corpus rows per chunk (default 500,000); results do not depend on either chunk size
 * @param scoreFunction the scores (default cosine similarity); any {@link SimilarityFunction} or a lambda
 * @param rescore for a quantized corpus and float queries: fetch {@code topK * rescoreMultiplier} candidates and
 *     rescore them with the float query (default true, as {@code semantic_search_faiss/_usearch})
 * @param rescoreMultiplier oversampling factor for rescoring (default 2)
 * @param calibration embeddings whose per-dimension ranges quantize the queries for an int8/uint8 corpus (pass
 *     the embeddings the corpus was quantized with); null takes the queries' own ranges, as Python does
 */
public record SearchOptions(int topK, int queryChunkSize, int corpusChunkSize, ScoreFunction scoreFunction,
        boolean rescore, int rescoreMultiplier, FloatMatrix calibration) {

    private static final SearchOptions DEFAULTS = builder().build();

    public SearchOptions {
        if (topK <= 0) {
            throw new IllegalArgumentException("topK must be positive, got " + topK);
        }
        if (queryChunkSize <= 0 || corpusChunkSize <= 0) {
            throw new IllegalArgumentException("queryChunkSize and corpusChunkSize must be positive, got "
                    + queryChunkSize + " and " + corpusChunkSize);
        }
        if (scoreFunction == null) {
            throw new IllegalArgumentException("scoreFunction must not be null");
        }
        if (rescoreMultiplier <= 0) {
            throw new IllegalArgumentException("rescoreMultiplier must be positive, got " + rescoreMultiplier);
        }
    }

    /** top-k 10, query chunks of 100, corpus chunks of 500,000, cosine, rescoring x2. */
    public static SearchOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().topK(topK).queryChunkSize(queryChunkSize).corpusChunkSize(corpusChunkSize)
                .scoreFunction(scoreFunction).rescore(rescore).rescoreMultiplier(rescoreMultiplier)
                .calibration(calibration);
    }

    /** Builds {@link SearchOptions}. */
    public static final class Builder {
        private int topK = 10;
        private int queryChunkSize = 100;
        private int corpusChunkSize = 500_000;
        private ScoreFunction scoreFunction = SimilarityFunction.COSINE;
        private boolean rescore = true;
        private int rescoreMultiplier = 2;
        private FloatMatrix calibration;

        private Builder() {}

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder queryChunkSize(int queryChunkSize) {
            this.queryChunkSize = queryChunkSize;
            return this;
        }

        public Builder corpusChunkSize(int corpusChunkSize) {
            this.corpusChunkSize = corpusChunkSize;
            return this;
        }

        public Builder scoreFunction(ScoreFunction scoreFunction) {
            this.scoreFunction = scoreFunction;
            return this;
        }

        public Builder rescore(boolean rescore) {
            this.rescore = rescore;
            return this;
        }

        public Builder rescoreMultiplier(int rescoreMultiplier) {
            this.rescoreMultiplier = rescoreMultiplier;
            return this;
        }

        public Builder calibration(FloatMatrix calibration) {
            this.calibration = calibration;
            return this;
        }

        public SearchOptions build() {
            return new SearchOptions(topK, queryChunkSize, corpusChunkSize, scoreFunction, rescore,
                    rescoreMultiplier, calibration);
        }
    }
}
