package dev.st4j.tokenizers.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.UnsupportedFeatureException;

final class Unigram {
    static Model fromJson(JsonNode node) {
        throw new UnsupportedFeatureException("the model \"Unigram\"");
    }
}
