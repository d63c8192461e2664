package dev.st4j.tokenizers.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import java.util.Map;

final class Bpe {
    static Model fromJson(JsonNode node, Map<String, Integer> vocab) {
        throw new UnsupportedFeatureException("the model \"BPE\"");
    }
}
