package dev.st4j.engine;

import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;

/** Adapts an {@link EncoderModel} to the backend SPI, owning the threads it runs on. */
final class JavaBackend implements TransformerBackend {
    private final EncoderModel model;
    private final Parallel parallel;
    private final String description;

    JavaBackend(EncoderModel model, Kernels kernels, int threads) {
        this.model = model;
        this.parallel = new Parallel(threads);
        this.description = "java (" + model.architecture() + ", " + kernels.describe() + ", " + threads + " thread"
                + (threads == 1 ? "" : "s") + ")";
    }

    @Override
    public float[] forward(TokenBatch batch) {
        return model.forward(batch, parallel);
    }

    @Override
    public int hiddenSize() {
        return model.hiddenSize();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        parallel.close();
    }
}
