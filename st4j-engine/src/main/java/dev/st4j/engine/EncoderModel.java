package dev.st4j.engine;

import dev.st4j.backend.TokenBatch;
import dev.st4j.engine.kernels.Parallel;

/** One architecture family's forward pass (BERT, ...), over weights it has already loaded and checked. */
public interface EncoderModel {

    /** Short name for {@code describe()}, e.g. {@code "BERT"}. */
    String architecture();

    int hiddenSize();

    /** Heap bytes of weights packed at load for the kernels ({@code Kernels.prepare}); 0 if all stay mapped. */
    default long packedWeightBytes() {
        return 0;
    }

    /** {@code last_hidden_state}, row-major {@code [batch, seq, hidden]}, zeros at padded positions. */
    float[] forward(TokenBatch batch, Parallel parallel);

    /**
     * Hugging Face's {@code hidden_states}: the embedding output, then each layer's output, each {@code [batch,
     * seq, hidden]} with zeros at padded positions; null when this architecture does not return them.
     */
    default float[][] forwardAllLayers(TokenBatch batch, Parallel parallel) {
        return null;
    }

    /** Whether {@link #forwardAllLayers} returns the hidden states. */
    default boolean returnsAllLayers() {
        return false;
    }
}
