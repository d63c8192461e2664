package dev.st4j;

import dev.st4j.backend.Device;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to load a model; every field is optional. Build with {@link #builder()}.
 *
 * @param backend the name of an installed backend ({@code "java"}, {@code "onnx"}); null picks the Java engine
 *     when it runs the architecture and the folder has its weights, else ONNX Runtime when it has an ONNX export
 *     (an unknown name fails at load, listing the installed backends)
 * @param onnxFileName ONNX file to load instead of {@code onnx/model.onnx} (Python's {@code file_name})
 * @param threads threads per forward pass; 0 means every core
 * @param truncateDim keep only the first dimensions of every embedding (Matryoshka); null keeps the model's setting
 * @param similarityFunction overrides the model's saved similarity function
 * @param prompts prompts by name, merged over the model's saved prompts (caller's entries win)
 * @param defaultPromptName prompt applied by {@code encode} when the call names none
 * @param cacheFolder hub cache folder (else {@code SENTENCE_TRANSFORMERS_HOME}, {@code HF_HUB_CACHE},
 *     {@code HF_HOME/hub}, {@code ~/.cache/huggingface/hub})
 * @param revision hub branch, tag or commit (default {@code main}); naming one bypasses embedded models
 * @param token hub access token (else {@code HF_TOKEN}, else the {@code hf auth login} token file)
 * @param localFilesOnly never contact the hub: local folders, embedded models and the hub cache only (as does
 *     {@code HF_HUB_OFFLINE=1})
 * @param tokenizer {@code "java"} (st4j's own tokenizer.json implementation, the default when null) or
 *     {@code "djl"} (Hugging Face tokenizers through DJL, a native library: the fallback for files that use a
 *     feature the Java tokenizer lacks)
 * @param replaceUnpairedSurrogates tokenize a text holding an unpaired UTF-16 surrogate with that one code unit
 *     replaced by U+FFFD, instead of refusing it with an {@code UnpairedSurrogateException} (the default, as Python
 *     refuses such strings)
 * @param device where the transformer runs (Python's {@code device}): {@code "cpu"} (the default, when null),
 *     {@code "cuda"} or {@code "cuda:N"}; CUDA runs through ONNX Runtime's CUDA execution provider, which needs
 *     {@code com.microsoft.onnxruntime:onnxruntime_gpu} on the class path in place of {@code onnxruntime}
 */
public record LoadOptions(
        String backend,
        String onnxFileName,
        int threads,
        Integer truncateDim,
        SimilarityFunction similarityFunction,
        Map<String, String> prompts,
        String defaultPromptName,
        Path cacheFolder,
        String revision,
        String token,
        boolean localFilesOnly,
        String tokenizer,
        boolean replaceUnpairedSurrogates,
        String device) {

    public LoadOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (truncateDim != null && truncateDim <= 0) {
            throw new IllegalArgumentException("truncateDim must be positive, got " + truncateDim);
        }
        if (backend != null && backend.isBlank()) {
            throw new IllegalArgumentException("backend must be a backend's name such as \"onnx\" or \"java\", "
                    + "or null for the default choice");
        }
        if (tokenizer != null && !tokenizer.equals("java") && !tokenizer.equals("djl")) {
            throw new IllegalArgumentException("tokenizer must be \"java\" or \"djl\", got \"" + tokenizer + "\"");
        }
        device = device == null ? null : Device.parse(device, "device").toString();
        prompts = prompts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
    }

    /** {@link #device()} as a {@link Device}: the CPU when none is set. */
    public Device parsedDevice() {
        return device == null ? Device.CPU : Device.parse(device, "device");
    }

    /** All defaults. */
    public static LoadOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.backend = backend;
        b.onnxFileName = onnxFileName;
        b.threads = threads;
        b.truncateDim = truncateDim;
        b.similarityFunction = similarityFunction;
        b.prompts = new LinkedHashMap<>(prompts);
        b.defaultPromptName = defaultPromptName;
        b.cacheFolder = cacheFolder;
        b.revision = revision;
        b.token = token;
        b.localFilesOnly = localFilesOnly;
        b.tokenizer = tokenizer;
        b.replaceUnpairedSurrogates = replaceUnpairedSurrogates;
        b.device = device;
        return b;
    }

    /** Builds {@link LoadOptions}. */
    public static final class Builder {
        private String backend;
        private String onnxFileName;
        private int threads;
        private Integer truncateDim;
        private SimilarityFunction similarityFunction;
        private Map<String, String> prompts = new LinkedHashMap<>();
        private String defaultPromptName;
        private Path cacheFolder;
        private String revision;
        private String token;
        private boolean localFilesOnly;
        private String tokenizer;
        private boolean replaceUnpairedSurrogates;
        private String device;

        private Builder() {}

        /** {@code "cpu"} (default), {@code "cuda"} or {@code "cuda:N"}: where the transformer runs. */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /**
         * Replace an unpaired UTF-16 surrogate with U+FFFD (that code unit only) instead of refusing the text
         * (the default).
         */
        public Builder replaceUnpairedSurrogates(boolean replace) {
            this.replaceUnpairedSurrogates = replace;
            return this;
        }

        /** {@code "java"} (default) or {@code "djl"}: which tokenizer.json implementation runs. */
        public Builder tokenizer(String tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder onnxFileName(String fileName) {
            this.onnxFileName = fileName;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder truncateDim(Integer truncateDim) {
            this.truncateDim = truncateDim;
            return this;
        }

        public Builder similarityFunction(SimilarityFunction function) {
            this.similarityFunction = function;
            return this;
        }

        public Builder prompts(Map<String, String> prompts) {
            this.prompts = new LinkedHashMap<>(prompts);
            return this;
        }

        public Builder prompt(String name, String text) {
            this.prompts.put(name, text);
            return this;
        }

        public Builder defaultPromptName(String name) {
            this.defaultPromptName = name;
            return this;
        }

        public Builder cacheFolder(Path folder) {
            this.cacheFolder = folder;
            return this;
        }

        public Builder revision(String revision) {
            this.revision = revision;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder localFilesOnly(boolean localFilesOnly) {
            this.localFilesOnly = localFilesOnly;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(backend, onnxFileName, threads, truncateDim, similarityFunction, prompts,
                    defaultPromptName, cacheFolder, revision, token, localFilesOnly, tokenizer,
                    replaceUnpairedSurrogates, device);
        }
    }
}
