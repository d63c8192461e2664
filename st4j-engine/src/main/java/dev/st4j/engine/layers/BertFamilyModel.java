package dev.st4j.engine.layers;

import dev.st4j.backend.TokenBatch;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.batch.PackedBatch;

/**
 * The forward pass BERT, RoBERTa, XLM-R, DistilBERT and MPNet share once loaded: embeddings, then a post-LN
 * encoder stack, over the batch's real tokens packed into one matrix (so every linear layer is one matmul with no
 * padding rows, and attention runs per sequence over its own tokens, needing no mask). What differs between them
 * (weight names, position rule, token types, attention bias) is settled by each architecture's loader.
 */
public final class BertFamilyModel implements EncoderModel {
    private final String name;
    private final Embeddings embeddings;
    private final PostLnEncoder encoder;

    public BertFamilyModel(String name, Embeddings embeddings, PostLnEncoder encoder) {
        this.name = name;
        this.embeddings = embeddings;
        this.encoder = encoder;
    }

    @Override
    public String architecture() {
        return name + embeddings.storedType();
    }

    @Override
    public int hiddenSize() {
        return encoder.hiddenSize();
    }

    @Override
    public float[] forward(TokenBatch batch, Parallel parallel) {
        PackedBatch packed = PackedBatch.of(batch, embeddings.vocab());
        Activations a = encoder.activations(packed);
        try {
            embeddings.embed(batch, packed, a.x(), parallel);
            encoder.forward(a, packed, parallel);
            return packed.unpack(a.x(), encoder.hiddenSize());
        } finally {
            encoder.release(a);
        }
    }

    @Override
    public float[][] forwardAllLayers(TokenBatch batch, Parallel parallel) {
        PackedBatch packed = PackedBatch.of(batch, embeddings.vocab());
        Activations a = encoder.activations(packed);
        int h = encoder.hiddenSize();
        java.util.List<float[]> states = new java.util.ArrayList<>();
        try {
            embeddings.embed(batch, packed, a.x(), parallel);
            states.add(packed.unpack(a.x(), h));
            encoder.forward(a, packed, parallel, x -> states.add(packed.unpack(x, h)));
            return states.toArray(float[][]::new);
        } finally {
            encoder.release(a);
        }
    }

    @Override
    public boolean returnsAllLayers() {
        return true;
    }

    @Override
    public long packedWeightBytes() {
        return encoder.packedWeightBytes();
    }
}
