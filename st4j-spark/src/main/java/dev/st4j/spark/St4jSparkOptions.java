package dev.st4j.spark;

import dev.st4j.EncodeOptions;
import dev.st4j.LoadOptions;
import java.io.Serializable;

/**
 * What each executor loads and how it encodes: shipped to executors with the job (so only plain values), and the
 * key of the per-JVM model cache (equal options share one loaded model). Build with {@link #builder(String)}.
 *
 * @param model hub id, short name, or a folder path that exists on every executor
 * @param backend {@code java} or {@code onnx}; null lets st4j choose
 * @param threads inference threads per task (match {@code spark.task.cpus}); null uses st4j's default
 * @param cacheFolder hub cache folder on the executors; null uses the usual environment variables
 * @param batchSize texts per forward pass
 * @param rowsPerChunk rows a partition hands to one {@code encode} call, which sorts them by length into batches
 * @param prompt literal prompt prepended to every text; null for none
 * @param promptName name of one of the model's prompts; null for the model's default
 * @param task {@code query} or {@code document} (st4j's encodeQuery / encodeDocument); null for plain encode
 * @param normalize L2-normalize the vectors
 * @param truncateDim keep the first dimensions only; null keeps all
 */
public record St4jSparkOptions(String model, String backend, Integer threads, String cacheFolder, int batchSize,
        int rowsPerChunk, String prompt, String promptName, String task, boolean normalize, Integer truncateDim)
        implements Serializable {

    public St4jSparkOptions {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be a hub id, short name or folder, e.g. all-MiniLM-L6-v2");
        }
        if (threads != null && threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        if (batchSize <= 0 || rowsPerChunk <= 0) {
            throw new IllegalArgumentException("batchSize and rowsPerChunk must be positive, got " + batchSize
                    + " and " + rowsPerChunk);
        }
        if (task != null && !task.equals("query") && !task.equals("document")) {
            throw new IllegalArgumentException("task must be query, document or null, got " + task);
        }
        if (truncateDim != null && truncateDim <= 0) {
            throw new IllegalArgumentException("truncateDim must be positive, got " + truncateDim);
        }
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** How the executor loads the model. */
    LoadOptions loadOptions() {
        LoadOptions.Builder b = LoadOptions.builder();
        if (backend != null) {
            b.backend(backend);
        }
        if (threads != null) {
            b.threads(threads);
        }
        if (cacheFolder != null) {
            b.cacheFolder(java.nio.file.Path.of(cacheFolder));
        }
        return b.build();
    }

    /** How each chunk encodes. */
    EncodeOptions encodeOptions() {
        return EncodeOptions.builder().batchSize(batchSize).prompt(prompt).promptName(promptName)
                .normalizeEmbeddings(normalize).truncateDim(truncateDim).build();
    }

    /** Builds {@link St4jSparkOptions}: batch 32, 256 rows per encode call, no prompt, no normalization. */
    public static final class Builder {
        private final String model;
        private String backend;
        private Integer threads;
        private String cacheFolder;
        private int batchSize = 32;
        private int rowsPerChunk = 256;
        private String prompt;
        private String promptName;
        private String task;
        private boolean normalize;
        private Integer truncateDim;

        private Builder(String model) {
            this.model = model;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder threads(Integer threads) {
            this.threads = threads;
            return this;
        }

        public Builder cacheFolder(String cacheFolder) {
            this.cacheFolder = cacheFolder;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder rowsPerChunk(int rowsPerChunk) {
            this.rowsPerChunk = rowsPerChunk;
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

        public Builder task(String task) {
            this.task = task;
            return this;
        }

        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        public Builder truncateDim(Integer truncateDim) {
            this.truncateDim = truncateDim;
            return this;
        }

        public St4jSparkOptions build() {
            return new St4jSparkOptions(model, backend, threads, cacheFolder, batchSize, rowsPerChunk, prompt,
                    promptName, task, normalize, truncateDim);
        }
    }
}
