package dev.st4j.tokenizers.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.TokenizerFormatException;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Builds the models of tokenizer.json. */
public final class Models {
    private Models() {}

    /** The model a tokenizer.json {@code model} value describes (its "type" inferred when absent, as HF does). */
    public static Model fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new TokenizerFormatException("tokenizer.json has no \"model\" object");
        }
        String type = node.hasNonNull("type") ? node.get("type").asText() : inferType(node);
        return switch (type) {
            case "WordPiece" -> new WordPiece(vocabMap(node), Json.text(node, "unk_token", "[UNK]"),
                    Json.text(node, "continuing_subword_prefix", "##"),
                    Json.integer(node, "max_input_chars_per_word", 100));
            case "WordLevel" -> new WordLevel(vocabMap(node), Json.text(node, "unk_token", null));
            case "BPE" -> Bpe.fromJson(node, vocabMap(node));
            case "Unigram" -> Unigram.fromJson(node);
            default -> throw new UnsupportedFeatureException("the model \"" + type + "\"");
        };
    }

    private static String inferType(JsonNode node) {
        if (node.has("merges")) {
            return "BPE";
        }
        if (node.path("vocab").isArray()) {
            return "Unigram";
        }
        if (node.has("continuing_subword_prefix") || node.has("max_input_chars_per_word")) {
            return "WordPiece";
        }
        if (node.path("vocab").isObject()) {
            return "WordLevel";
        }
        throw new TokenizerFormatException("cannot tell the model's type: no \"type\", \"merges\" or \"vocab\"");
    }

    static Map<String, Integer> vocabMap(JsonNode node) {
        JsonNode vocab = node.get("vocab");
        if (vocab == null || !vocab.isObject()) {
            throw new TokenizerFormatException("the model needs a \"vocab\" object of token to id");
        }
        Map<String, Integer> map = new HashMap<>(vocab.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asInt());
        }
        return map;
    }
}
