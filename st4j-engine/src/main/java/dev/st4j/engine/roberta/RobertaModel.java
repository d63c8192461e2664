package dev.st4j.engine.roberta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.bert.BertModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.layers.BertFamilyModel;
import dev.st4j.engine.layers.EncoderShape;
import dev.st4j.engine.layers.Embeddings;
import dev.st4j.engine.layers.PositionIds;
import dev.st4j.engine.layers.PostLnEncoder;
import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.checkpoint.ModelConfig;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.nio.file.Path;

/**
 * RoBERTa (Liu et al. 2019) and XLM-RoBERTa, which Hugging Face computes identically: BERT's network and weight
 * names, with fairseq's positions (real tokens count from {@code pad_token_id + 1}) and a single token type that
 * every token takes (their tokenizers send no token type ids).
 */
public final class RobertaModel {
    private RobertaModel() {}

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape; the weights
     * may carry the {@code roberta.} prefix of the hub's task checkpoints (XLM-R's too).
     *
     * @param name {@code "RoBERTa"} or {@code "XLM-R"}, for messages and {@code describe()}
     * @throws UnsupportedModelException for settings this implementation does not compute
     * @throws ModelFormatException for a missing tensor or a shape that disagrees with the config
     */
    public static EncoderModel load(String name, Path configFile, JsonNode json, SafetensorsFile file,
            Kernels kernels) {
        ModelConfig c = new ModelConfig(configFile, json, name);
        EncoderShape.requireOnly(c, "position_embedding_type", "absolute");
        EncoderShape s = EncoderShape.ofBertKeys(c, 1e-12);
        double pad = c.number("pad_token_id", 1);
        if (pad != Math.rint(pad) || pad < 0 || pad > Integer.MAX_VALUE) {
            throw new ModelFormatException(configFile, "\"pad_token_id\" must be a non-negative integer, got " + pad);
        }
        int padding = (int) pad;
        if (padding + 1 >= s.maxPositions()) {
            throw new ModelFormatException(configFile, "max_position_embeddings " + s.maxPositions() + " leaves "
                    + "no positions after pad_token_id " + padding + " (positions count from pad_token_id + 1)");
        }
        Checkpoint w = new Checkpoint(file, name, "embeddings.word_embeddings.weight", "roberta.");
        Embeddings embeddings = new Embeddings(kernels, w, s.vocab(), s.hidden(), s.eps(),
                Embeddings.learnedPositions(w, s.maxPositions(), s.hidden()), PositionIds.afterPadding(padding),
                Embeddings.TokenTypes.firstRowOnly(w, c.positive("type_vocab_size", 1), s.hidden()));
        PostLnEncoder encoder = new PostLnEncoder(kernels, s.loadLayers(w, "encoder.layer.", BertModel.LAYER),
                s.hidden(), s.heads(), s.intermediate(), s.eps(), null);
        return new BertFamilyModel(name, embeddings, encoder);
    }
}
