package dev.st4j.tokenizers.slow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A slow tokenizer's settings as its Python class reads them: {@code tokenizer_config.json} first, then
 * {@code special_tokens_map.json} for the special tokens, then the class's own defaults.
 */
final class TokenizerConfig {
    /** A special token: its text and whether it swallows the spaces on its left (RoBERTa's {@code <mask>}). */
    record Special(String content, boolean lstrip, boolean rstrip, boolean singleWord) {}

    private final JsonNode config;
    private final JsonNode specialMap;

    TokenizerConfig(JsonNode config, JsonNode specialMap) {
        this.config = config == null ? NullNode.getInstance() : config;
        this.specialMap = specialMap == null ? NullNode.getInstance() : specialMap;
    }

    JsonNode get(String key) {
        JsonNode v = config.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean bool(String key, boolean dflt) {
        JsonNode v = get(key);
        return v == null ? dflt : v.asBoolean(dflt);
    }

    int integer(String key, int dflt) {
        JsonNode v = get(key);
        return v == null || !v.canConvertToInt() ? dflt : v.asInt();
    }

    /**
     * The special token {@code key} ({@code "cls_token"}, ...): a string or an AddedToken object, in the config,
     * else the special tokens map, else {@code dflt}; null when either file sets it to null or neither has it and
     * there is no default.
     */
    Special special(String key, String dflt, boolean lstripByDefault) {
        JsonNode v = config.has(key) ? config.get(key) : specialMap.get(key);
        if (v == null) {
            return dflt == null ? null : new Special(dflt, lstripByDefault, false, false);
        }
        return special(v, lstripByDefault);
    }

    static Special special(JsonNode v, boolean lstripByDefault) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return new Special(v.asText(), lstripByDefault, false, false);
        }
        JsonNode content = v.get("content");
        if (content == null || !content.isTextual()) {
            return null;
        }
        return new Special(content.asText(), v.path("lstrip").asBoolean(lstripByDefault),
                v.path("rstrip").asBoolean(false), v.path("single_word").asBoolean(false));
    }

    /** {@code additional_special_tokens}, from the config or else the special tokens map. */
    JsonNode additionalSpecialTokens() {
        JsonNode v = config.get("additional_special_tokens");
        if (v == null || !v.isArray()) {
            v = specialMap.get("additional_special_tokens");
        }
        return v != null && v.isArray() ? v : null;
    }
}
