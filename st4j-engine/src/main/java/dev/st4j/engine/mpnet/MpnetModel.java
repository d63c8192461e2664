package dev.st4j.engine.mpnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.ScoreBias;
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
 * MPNet (Song et al. 2020) as Hugging Face's {@code MPNetModel} computes it: BERT's post-LN network without token
 * types, fairseq's positions (padding id fixed at 1), and in every layer's attention a learned relative-position
 * bias per head ({@link RelativePositionBias}), computed once and shared by all layers.
 */
public final class MpnetModel {
    static final String NAME = "MPNet";
    static final EncoderLayer.Names LAYER = new EncoderLayer.Names("attention.attn.q", "attention.attn.k",
            "attention.attn.v", "attention.attn.o", "attention.LayerNorm", "intermediate.dense", "output.dense",
            "output.LayerNorm");
    /** {@code MPNetEmbeddings} hard-codes its padding index rather than reading {@code pad_token_id}. */
    static final int PADDING_IDX = 1;

    private MpnetModel() {}

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape; the weights
     * may carry the {@code mpnet.} prefix of the hub's task checkpoints.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute
     * @throws ModelFormatException for a missing tensor or a shape that disagrees with the config
     */
    public static EncoderModel load(Path configFile, JsonNode json, SafetensorsFile file, Kernels kernels) {
        ModelConfig c = new ModelConfig(configFile, json, NAME);
        EncoderShape s = EncoderShape.ofBertKeys(c, 1e-12);
        int buckets = c.positive("relative_attention_num_buckets", 32);
        if (buckets < RelativePositionBias.BUCKETS) {
            throw c.unsupported("relative_attention_num_buckets", String.valueOf(buckets), "transformers' MPNet "
                    + "looks up " + RelativePositionBias.BUCKETS + " buckets whatever the table holds, so it needs "
                    + "at least " + RelativePositionBias.BUCKETS);
        }
        int maxTokens = s.maxPositions() - PADDING_IDX - 1;
        if (maxTokens < 1) {
            throw new ModelFormatException(configFile, "max_position_embeddings " + s.maxPositions() + " leaves "
                    + "no positions after the padding index " + PADDING_IDX);
        }
        Checkpoint w = new Checkpoint(file, NAME, "embeddings.word_embeddings.weight", "mpnet.");
        Embeddings embeddings = new Embeddings(kernels, w, s.vocab(), s.hidden(), s.eps(),
                Embeddings.learnedPositions(w, s.maxPositions(), s.hidden()), PositionIds.afterPadding(PADDING_IDX),
                Embeddings.TokenTypes.none());
        ScoreBias[] bias = RelativePositionBias.perHead(
                w.tensor("encoder.relative_attention_bias.weight", buckets, s.heads()).toFloatArray(), s.heads(),
                maxTokens, kernels);
        PostLnEncoder encoder = new PostLnEncoder(kernels, s.loadLayers(w, "encoder.layer.", LAYER), s.hidden(),
                s.heads(), s.intermediate(), s.eps(), bias);
        return new BertFamilyModel(NAME, embeddings, encoder);
    }
}
