package dev.st4j.engine.bert;

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
 * The BERT encoder (Devlin et al. 2019) as Hugging Face's {@code BertModel} computes it: embeddings (word +
 * position, the token's column + token type, then LayerNorm), then post-LN blocks of bidirectional multi-head
 * self-attention and a GELU feed-forward, each added to its input and normalized.
 */
public final class BertModel {
    static final String NAME = "BERT";
    /** The module paths inside {@code encoder.layer.<i>}, which RoBERTa and XLM-R share. */
    public static final EncoderLayer.Names LAYER = new EncoderLayer.Names("attention.self.query",
            "attention.self.key", "attention.self.value", "attention.output.dense", "attention.output.LayerNorm",
            "intermediate.dense", "output.dense", "output.LayerNorm");

    private BertModel() {}

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape; the weights
     * may carry the {@code bert.} prefix of the hub's task checkpoints.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute (activation, position
     *     embedding type)
     * @throws ModelFormatException for a missing tensor or a shape that disagrees with the config
     */
    public static EncoderModel load(Path configFile, JsonNode json, SafetensorsFile file, Kernels kernels) {
        ModelConfig c = new ModelConfig(configFile, json, NAME);
        EncoderShape.requireOnly(c, "position_embedding_type", "absolute");
        EncoderShape s = EncoderShape.ofBertKeys(c, 1e-12);
        int typeVocab = c.positive("type_vocab_size", 2);
        Checkpoint w = new Checkpoint(file, NAME, "embeddings.word_embeddings.weight", "bert.");
        Embeddings embeddings = new Embeddings(kernels, w, s.vocab(), s.hidden(), s.eps(),
                Embeddings.learnedPositions(w, s.maxPositions(), s.hidden()), PositionIds.columns(),
                Embeddings.TokenTypes.fromInput(w, typeVocab, s.hidden()));
        PostLnEncoder encoder = new PostLnEncoder(kernels, s.loadLayers(w, "encoder.layer.", LAYER), s.hidden(),
                s.heads(), s.intermediate(), s.eps(), null);
        return new BertFamilyModel(NAME, embeddings, encoder);
    }
}
