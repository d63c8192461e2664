package dev.st4j;

/**
 * Options of one {@code encode} call, as in Python's {@code encode(...)}. Build with {@link #builder()}.
 *
 * @param batchSize texts per forward pass (default 32)
 * @param prompt text prepended to every input; wins over {@code promptName}
 * @param promptName name of one of the model's prompts
 * @param normalizeEmbeddings L2-normalize the results (after truncation)
 * @param truncateDim keep the first dimensions only; null uses the model's setting
 * @param precision {@code FLOAT32} (default), or a quantized precision for
 *     {@link SentenceTransformer#encodeQuantized}: ranges come from the whole call's embeddings, as in Python
 * @param outputValue what to return per text; {@code encode} gives sentence embeddings,
 *     {@link SentenceTransformer#encodeTokens} token embeddings, {@link SentenceTransformer#encodeAll} everything
 * @param task routes a Router module ({@code "query"}, {@code "document"}, ...); null for its default route.
 *     {@code encodeQuery} and {@code encodeDocument} set it.
 */
public record EncodeOptions(
        int batchSize, String prompt, String promptName, boolean normalizeEmbeddings, Integer truncateDim,
        Precision precision, OutputValue outputValue, String task) {

    private static final EncodeOptions DEFAULTS = builder().build();

    public EncodeOptions {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (truncateDim != null && truncateDim <= 0) {
            throw new IllegalArgumentException("truncateDim must be positive, got " + truncateDim);
        }
        if (precision == null) {
            precision = Precision.FLOAT32;
        }
        if (outputValue == null) {
            outputValue = OutputValue.SENTENCE_EMBEDDING;
        }
    }

    /** Batch size 32, no prompt, no normalization, no truncation, float32, sentence embeddings, no task. */
    public static EncodeOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).prompt(prompt).promptName(promptName)
                .normalizeEmbeddings(normalizeEmbeddings).truncateDim(truncateDim).precision(precision)
                .outputValue(outputValue).task(task);
    }

    /** Builds {@link EncodeOptions}. */
    public static final class Builder {
        private int batchSize = 32;
        private String prompt;
        private String promptName;
        private boolean normalizeEmbeddings;
        private Integer truncateDim;
        private Precision precision = Precision.FLOAT32;
        private OutputValue outputValue = OutputValue.SENTENCE_EMBEDDING;
        private String task;

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

        public Builder precision(Precision precision) {
            this.precision = precision;
            return this;
        }

        /** Python's spelling: {@code "float32"}, {@code "int8"}, {@code "uint8"}, {@code "binary"}, {@code "ubinary"}. */
        public Builder precision(String precision) {
            this.precision = Precision.fromName(precision);
            return this;
        }

        public Builder outputValue(OutputValue outputValue) {
            this.outputValue = outputValue;
            return this;
        }

        public Builder task(String task) {
            this.task = task;
            return this;
        }

        public EncodeOptions build() {
            return new EncodeOptions(batchSize, prompt, promptName, normalizeEmbeddings, truncateDim, precision,
                    outputValue, task);
        }
    }
}
