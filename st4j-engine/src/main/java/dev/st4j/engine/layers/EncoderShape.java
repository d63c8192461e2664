package dev.st4j.engine.layers;

import java.util.ArrayList;
import java.util.List;

/** The sizes of a BERT-family encoder, read from {@code config.json}. */
public record EncoderShape(int hidden, int heads, int layers, int intermediate, int maxPositions, int vocab,
        float eps) {

    /**
     * The sizes under BERT's key names, which RoBERTa, XLM-R and MPNet share; the feed-forward activation
     * ({@code hidden_act}) must be exact GELU.
     */
    public static EncoderShape ofBertKeys(ModelConfig c, double defaultEps) {
        c.require("hidden_act", "gelu");
        EncoderShape s = new EncoderShape(c.positive("hidden_size"), c.positive("num_attention_heads"),
                c.positive("num_hidden_layers"), c.positive("intermediate_size"),
                c.positive("max_position_embeddings"), c.positive("vocab_size"),
                c.positiveNumber("layer_norm_eps", defaultEps));
        c.requireDivisible("hidden_size", s.hidden, "num_attention_heads", s.heads);
        return s;
    }

    /** Every layer, {@code prefix + i + "."} holding layer {@code i}'s modules. */
    public List<EncoderLayer> loadLayers(ModelWeights w, String prefix, EncoderLayer.Names names) {
        List<EncoderLayer> list = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            list.add(EncoderLayer.load(w, prefix + i + ".", names, hidden, intermediate));
        }
        return list;
    }
}
