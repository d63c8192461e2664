package dev.st4j.backend;

import dev.st4j.UnsupportedModelException;
import java.util.Optional;

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

    /**
     * Every layer's hidden states, as Hugging Face's {@code output_hidden_states=True} returns them: index 0 the
     * embedding output, index {@code i} the output of layer {@code i}, the last one equal to {@link #forward}'s.
     * Modules that mix layers ({@code WeightedLayerPooling}) ask for them; check {@link #allLayersRefusal} at load.
     *
     * @return {@code num_hidden_layers + 1} arrays, each row-major {@code [batchSize, seqLength, hiddenSize()]}
     * @throws UnsupportedModelException when this backend cannot return them ({@link #allLayersRefusal} says why)
     */
    default float[][] forwardAllLayers(TokenBatch batch) {
        throw new UnsupportedModelException(allLayersRefusal().orElse(describe() + " returns no hidden states"));
    }

    /**
     * Empty when {@link #forwardAllLayers} works; else why not, naming what would make it work (another backend,
     * another export).
     */
    default Optional<String> allLayersRefusal() {
        return Optional.of(describe() + " returns only the last hidden state, not every layer's; load the model "
                + "with the java backend, which returns them");
    }

    /** Width of each token embedding. */
    int hiddenSize();

    /** Short description for {@code st4j info}, e.g. {@code "onnx (onnx/model.onnx, 2 threads)"}. */
    String describe();

    @Override
    void close();
}
