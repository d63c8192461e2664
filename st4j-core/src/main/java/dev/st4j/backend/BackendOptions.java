package dev.st4j.backend;

/**
 * What the caller asked of a backend.
 *
 * @param threads threads for one forward pass; 0 means all available cores
 * @param onnxFileName the ONNX file to load (relative to the model folder, or a bare name looked up in the folder
 *     and in {@code onnx/}); null means {@code model.onnx}, else {@code onnx/model.onnx}
 * @param tokenizer {@code "java"} (st4j's tokenizer, the default when null) or {@code "djl"} (Hugging Face
 *     tokenizers through DJL, a native library)
 * @param replaceUnpairedSurrogates the tokenizer turns an unpaired UTF-16 surrogate into U+FFFD instead of refusing
 *     the text
 * @param device where the forward pass runs ({@link Device#CPU} when null); a backend that cannot run there says
 *     so in {@link BackendProvider#runsOn}
 */
public record BackendOptions(int threads, String onnxFileName, String tokenizer, boolean replaceUnpairedSurrogates,
        Device device) {

    /** Options with the default tokenizer (st4j's Java implementation). */
    public BackendOptions(int threads, String onnxFileName) {
        this(threads, onnxFileName, null);
    }

    /** Options that refuse texts with unpaired surrogates. */
    public BackendOptions(int threads, String onnxFileName, String tokenizer) {
        this(threads, onnxFileName, tokenizer, false);
    }

    /** Options for the CPU. */
    public BackendOptions(int threads, String onnxFileName, String tokenizer, boolean replaceUnpairedSurrogates) {
        this(threads, onnxFileName, tokenizer, replaceUnpairedSurrogates, Device.CPU);
    }

    public BackendOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        device = device == null ? Device.CPU : device;
    }

    /** The same options on another device. */
    public BackendOptions onDevice(Device other) {
        return new BackendOptions(threads, onnxFileName, tokenizer, replaceUnpairedSurrogates, other);
    }

    /** The thread count to use: {@link #threads()} or, when 0, the number of available cores. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
