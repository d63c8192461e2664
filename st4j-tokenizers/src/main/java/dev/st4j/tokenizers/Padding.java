package dev.st4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How encodings are padded, as tokenizer.json's "padding".
 *
 * @param fixedLength pad every encoding to this length, or 0 to pad a batch to its longest encoding
 * @param left pad at the start instead of the end
 * @param padToMultipleOf round the padded length up to a multiple of this, or 0
 */
public record Padding(int fixedLength, boolean left, int padToMultipleOf, int padId, int padTypeId, String padToken) {
    public Padding {
        if (fixedLength < 0 || padToMultipleOf < 0) {
            throw new IllegalArgumentException("padding lengths must not be negative");
        }
    }

    static Padding fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonNode strategy = node.get("strategy");
        int fixed = 0;
        if (strategy != null && strategy.isObject() && strategy.has("Fixed")) {
            fixed = strategy.get("Fixed").asInt();
        } else if (strategy != null && !(strategy.isTextual() && strategy.asText().equals("BatchLongest"))) {
            throw new UnsupportedFeatureException("padding strategy " + strategy);
        }
        return new Padding(fixed, Json.text(node, "direction", "Right").equals("Left"),
                Json.integer(node, "pad_to_multiple_of", 0), Json.integer(node, "pad_id", 0),
                Json.integer(node, "pad_type_id", 0), Json.text(node, "pad_token", "[PAD]"));
    }

    int target(int longest) {
        int n = fixedLength > 0 ? fixedLength : longest;
        if (padToMultipleOf > 0 && n % padToMultipleOf != 0) {
            n += padToMultipleOf - n % padToMultipleOf;
        }
        return n;
    }
}
