package dev.st4j.tokenizers.normalizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.UnsupportedFeatureException;

final class Precompiled {
    static Normalizer fromJson(JsonNode node) {
        throw new UnsupportedFeatureException("the normalizer \"Precompiled\"");
    }
}
