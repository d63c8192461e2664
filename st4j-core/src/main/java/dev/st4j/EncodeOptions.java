package dev.st4j;

/**
 * Options of one {@code encode} call, as in Python's {@code encode(...)}. Build with {@link #builder()}.
 *
 * @param batchSize texts per forward pass (default 32)
 * @param prompt text prepended to every input; wins over {@code promptName}
 * @param promptName name of one of the model's prompts
 * @param normalizeEmbeddings L2-normalize the results (after truncation)
 * @param truncateDim keep the first dimensions only; null uses the model's setting
 */
public record EncodeOptions(
        int batchSize, String prompt, String promptName, boolean normalizeEmbeddings, Integer truncateDim) {

    private static final EncodeOptions DEFAULTS = builder().build();

    public EncodeOptions {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (truncateDim != null && truncateDim <= 0) {
            throw new IllegalArgumentException("truncateDim must be positive, got " + truncateDim);
        }
    }

    /** Batch size 32, no prompt, no normalization, no truncation. */
    public static EncodeOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).prompt(prompt).promptName(promptName)
                .normalizeEmbeddings(normalizeEmbeddings).truncateDim(truncateDim);
    }

    /** Builds {@link EncodeOptions}. */
    public static final class Builder {
        private int batchSize = 32;
        private String prompt;
        private String promptName;
        private boolean normalizeEmbeddings;
        private Integer truncateDim;

        private Builder() {}

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        public Builder promptName(String promptName) {
            this.promptName = promptName;
            return this;
        }

        public Builder normalizeEmbeddings(boolean normalize) {
            this.normalizeEmbeddings = normalize;
            return this;
        }

        public Builder truncateDim(Integer truncateDim) {
            this.truncateDim = truncateDim;
            return this;
        }

        public EncodeOptions build() {
            return new EncodeOptions(batchSize, prompt, promptName, normalizeEmbeddings, truncateDim);
        }
    }
}
