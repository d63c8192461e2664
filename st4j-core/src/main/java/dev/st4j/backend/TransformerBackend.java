package dev.st4j.backend;

/**
 * Runs the transformer part of a model (the Hugging Face network, not the sentence-transformers modules after it)
 * on a prepared batch. Implementations are thread-safe for concurrent {@link #forward} calls unless they say so.
 */
public interface TransformerBackend extends AutoCloseable {

    /**
     * Computes {@code last_hidden_state} for the batch.
     *
     * @return row-major {@code [batchSize, seqLength, hiddenSize()]}; values at padded positions are unspecified
     */
    float[] forward(TokenBatch batch);

    /** Width of each token embedding. */
    int hiddenSize();

    /** Short description for {@code st4j info}, e.g. {@code "onnx (onnx/model.onnx, 2 threads)"}. */
    String describe();

    @Override
    void close();
}
