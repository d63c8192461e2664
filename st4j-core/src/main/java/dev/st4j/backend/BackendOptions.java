package dev.st4j.backend;

/**
 * What the caller asked of a backend.
 *
 * @param threads threads for one forward pass; 0 means all available cores
 * @param onnxFileName the ONNX file to load (relative to the model folder, or a bare name looked up in the folder
 *     and in {@code onnx/}); null means {@code model.onnx}, else {@code onnx/model.onnx}
 * @param tokenizer {@code "java"} (st4j's tokenizer, the default when null) or {@code "djl"} (Hugging Face
 *     tokenizers through DJL, a native library)
 */
public record BackendOptions(int threads, String onnxFileName, String tokenizer) {

    /** Options with the default tokenizer (st4j's Java implementation). */
    public BackendOptions(int threads, String onnxFileName) {
        this(threads, onnxFileName, null);
    }

    public BackendOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    /** The thread count to use: {@link #threads()} or, when 0, the number of available cores. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
