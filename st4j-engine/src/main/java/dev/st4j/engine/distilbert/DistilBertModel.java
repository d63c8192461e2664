package dev.st4j.engine.distilbert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.layers.BertFamilyModel;
import dev.st4j.engine.layers.EncoderLayer;
import dev.st4j.engine.layers.EncoderShape;
import dev.st4j.engine.layers.Embeddings;
import dev.st4j.engine.layers.PositionIds;
import dev.st4j.engine.layers.PostLnEncoder;
import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.checkpoint.ModelConfig;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.nio.file.Path;

/**
 * DistilBERT (Sanh et al. 2019) as Hugging Face's {@code DistilBertModel} computes it: BERT's network without token
 * types, under its own key and weight names ({@code transformer.layer.<i>.attention.q_lin}, ...), every LayerNorm
 * with epsilon 1e-12, and position rows either learned or, with {@code sinusoidal_pos_embds}, the fixed sinusoids.
 */
public final class DistilBertModel {
    static final String NAME = "DistilBERT";
    static final EncoderLayer.Names LAYER = new EncoderLayer.Names("attention.q_lin", "attention.k_lin",
            "attention.v_lin", "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm");
    /** DistilBERT's LayerNorms fix their epsilon rather than reading it from the config. */
    static final float EPS = 1e-12f;

    private DistilBertModel() {}

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape; the weights
     * may carry the {@code distilbert.} prefix of the hub's task checkpoints.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute (an activation other
     *     than exact GELU)
     * @throws ModelFormatException for a missing tensor or a shape that disagrees with the config
     */
    public static EncoderModel load(Path configFile, JsonNode json, SafetensorsFile file, Kernels kernels) {
        ModelConfig c = new ModelConfig(configFile, json, NAME);
        EncoderShape.requireOnly(c, "activation", "gelu");
        EncoderShape s = new EncoderShape(c.positive("dim", 768), c.positive("n_heads", 12),
                c.positive("n_layers", 6), c.positive("hidden_dim", 3072), c.positive("max_position_embeddings", 512),
                c.positive("vocab_size", 30522), EPS);
        c.requireMultiple("dim", s.hidden(), "n_heads", s.heads());
        Checkpoint w = new Checkpoint(file, NAME, "embeddings.word_embeddings.weight", "distilbert.");
        Embeddings embeddings = new Embeddings(kernels, w, s.vocab(), s.hidden(), s.eps(),
                positionTable(w, s, c.flag("sinusoidal_pos_embds", false)), PositionIds.columns(),
                Embeddings.TokenTypes.none());
        PostLnEncoder encoder = new PostLnEncoder(kernels, s.loadLayers(w, "transformer.layer.", LAYER),
                s.hidden(), s.heads(), s.intermediate(), s.eps(), null);
        return new BertFamilyModel(NAME, embeddings, encoder);
    }

    /**
     * The stored position table; with {@code sinusoidal_pos_embds} a checkpoint may leave it out, and Hugging Face
     * then fills it with the sinusoids, as here.
     */
    private static float[] positionTable(Checkpoint w, EncoderShape s, boolean sinusoidal) {
        if (sinusoidal) {
            return w.has("embeddings.position_embeddings.weight")
                    ? Embeddings.learnedPositions(w, s.maxPositions(), s.hidden())
                    : sinusoids(s.maxPositions(), s.hidden());
        }
        return Embeddings.learnedPositions(w, s.maxPositions(), s.hidden());
    }

    /**
     * Row {@code pos}, column {@code j}: {@code sin} (even {@code j}) or {@code cos} (odd {@code j}) of
     * {@code pos / 10000^(2 * (j / 2) / dim)}, in double precision and then rounded, as transformers' numpy code does.
     */
    static float[] sinusoids(int rows, int dim) {
        float[] table = new float[rows * dim];
        for (int pos = 0; pos < rows; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                table[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return table;
    }
}
