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
 * @param showProgressBar draw a progress bar on standard error when it is a terminal; null means off (Python turns it
 *     on with INFO logging; the {@code st4j} command line turns it on when standard error is a terminal)
 * @param progressListener told after every batch how far the call has come, or null
 * @param pool workers to encode with (Python's {@code pool=}), or null
 * @param devices without a pool: start a temporary pool on these devices for this call (Python's
 *     {@code device=[...]}), or null
 * @param chunkSize texts per chunk handed to a worker and sorted as one; null means Python's default
 *     {@code max(1, min(ceil(n / workers / 10), 5000))} with a pool, else up to 5000
 * @param tokenBudget most real tokens (padding excluded) in one batch, on top of {@code batchSize}; null for none.
 *     Must hold one sequence of the model's max sequence length.
 */
public record EncodeOptions(
        int batchSize, String prompt, String promptName, boolean normalizeEmbeddings, Integer truncateDim,
        Precision precision, OutputValue outputValue, String task,
        Boolean showProgressBar, ProgressListener progressListener, EncodePool pool, java.util.List<String> devices,
        Integer chunkSize, Integer tokenBudget) {

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
        if (chunkSize != null && chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
        if (tokenBudget != null && tokenBudget <= 0) {
            throw new IllegalArgumentException("tokenBudget must be positive, got " + tokenBudget);
        }
        if (devices != null) {
            if (devices.isEmpty()) {
                throw new IllegalArgumentException(
                        "devices must name at least one device, e.g. List.of(\"cpu\", \"cpu\"), or be null");
            }
            devices.forEach(d -> dev.st4j.backend.Device.parse(d, "devices"));
            devices = java.util.List.copyOf(devices);
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
                .outputValue(outputValue).task(task).showProgressBar(showProgressBar)
                .progressListener(progressListener).pool(pool).devices(devices).chunkSize(chunkSize)
                .tokenBudget(tokenBudget);
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

        private Boolean showProgressBar;
        private ProgressListener progressListener;
        private EncodePool pool;
        private java.util.List<String> devices;
        private Integer chunkSize;
        private Integer tokenBudget;

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

        /** A progress bar on standard error (when it is a terminal); null means off. */
        public Builder showProgressBar(Boolean show) {
            this.showProgressBar = show;
            return this;
        }

        /** Told after every batch how far the call has come. */
        public Builder progressListener(ProgressListener listener) {
            this.progressListener = listener;
            return this;
        }

        /** Encode on this pool's workers (see {@link SentenceTransformer#startMultiProcessPool}). */
        public Builder pool(EncodePool pool) {
            this.pool = pool;
            return this;
        }

        /** Encode on a pool started for this call only: {@code "cpu"}, {@code "cuda"} or {@code "cuda:N"} each. */
        public Builder devices(java.util.List<String> devices) {
            this.devices = devices;
            return this;
        }

        /** Encode on a pool started for this call only. */
        public Builder devices(String... devices) {
            return devices(java.util.List.of(devices));
        }

        /** Texts per chunk (the unit a worker takes and sorts); null for Python's default. */
        public Builder chunkSize(Integer chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        /** Most real tokens per batch; null for no limit beyond {@code batchSize}. */
        public Builder tokenBudget(Integer tokenBudget) {
            this.tokenBudget = tokenBudget;
            return this;
        }

        public EncodeOptions build() {
            return new EncodeOptions(batchSize, prompt, promptName, normalizeEmbeddings, truncateDim, precision,
                    outputValue, task, showProgressBar, progressListener, pool, devices, chunkSize, tokenBudget);
        }
    }
}
