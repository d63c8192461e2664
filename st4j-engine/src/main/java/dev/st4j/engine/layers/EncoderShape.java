package dev.st4j.engine.layers;

import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.checkpoint.ModelConfig;
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
        requireOnly(c, "hidden_act", "gelu");
        EncoderShape s = new EncoderShape(c.positive("hidden_size"), c.positive("num_attention_heads"),
                c.positive("num_hidden_layers"), c.positive("intermediate_size"),
                c.positive("max_position_embeddings"), c.positive("vocab_size"),
                (float) c.number("layer_norm_eps", defaultEps));
        c.requireMultiple("hidden_size", s.hidden, "num_attention_heads", s.heads);
        return s;
    }

    /**
     * Refuses {@code key} unless it is absent or {@code value}: a setting (an activation, a position type) of which
     * the engine computes only that one value.
     */
    public static void requireOnly(ModelConfig c, String key, String value) {
        String actual = c.text(key, value);
        if (!actual.equals(value)) {
            throw c.unsupported(key, "'" + actual + "'", "it computes only '" + value + "'");
        }
    }

    /** Every layer, {@code prefix + i + "."} holding layer {@code i}'s modules. */
    public List<EncoderLayer> loadLayers(Checkpoint w, String prefix, EncoderLayer.Names names) {
        List<EncoderLayer> list = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            list.add(EncoderLayer.load(w, prefix + i + ".", names, hidden, intermediate));
        }
        return list;
    }
}
