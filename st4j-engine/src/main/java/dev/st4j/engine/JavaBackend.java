package dev.st4j.engine;

import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;

/** Adapts an {@link EncoderModel} to the backend SPI, owning the threads it runs on. */
final class JavaBackend implements TransformerBackend {
    /** Null once closed: a closed backend that is still referenced holds neither weights nor workspaces. */
    private volatile EncoderModel model;
    private final int hiddenSize;
    private final boolean allLayers;
    private final String architecture;
    private final Parallel parallel;
    private final String description;

    JavaBackend(EncoderModel model, Kernels kernels, int threads) {
        this.model = model;
        this.hiddenSize = model.hiddenSize();
        this.allLayers = model.returnsAllLayers();
        this.architecture = model.architecture();
        this.parallel = new Parallel(threads);
        long packed = model.packedWeightBytes();
        this.description = "java (" + model.architecture() + ", " + kernels.describe() + " kernels, "
                + (packed > 0 ? "weights packed at load (" + (packed >= 1 << 20 ? (packed + (1 << 19) >> 20) + " MB"
                        : (packed + 1023 >> 10) + " KB") + " heap)"
                        : "weights memory-mapped, packed per call")
                + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
    }

    @Override
    public float[] forward(TokenBatch batch) {
        EncoderModel m = model;
        if (m == null) {
            throw new IllegalStateException("the model is closed; load it again to encode");
        }
        return m.forward(batch, parallel);
    }

    @Override
    public float[][] forwardAllLayers(TokenBatch batch) {
        EncoderModel m = model;
        if (m == null) {
            throw new IllegalStateException("the model is closed; load it again to encode");
        }
        if (!allLayers) {
            throw new dev.st4j.UnsupportedModelException(allLayersRefusal().orElseThrow());
        }
        return m.forwardAllLayers(batch, parallel);
    }

    @Override
    public java.util.Optional<String> allLayersRefusal() {
        return allLayers ? java.util.Optional.empty() : java.util.Optional.of("the java backend returns every "
                + "layer's hidden states for the BERT family (BERT, RoBERTa, XLM-R, DistilBERT, MPNet), not for "
                + architecture + "; WeightedLayerPooling cannot run on this model");
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        model = null;
        parallel.close();
    }
}
