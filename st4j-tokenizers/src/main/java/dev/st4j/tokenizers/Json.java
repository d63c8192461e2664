package dev.st4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading tokenizer.json values with errors that name the key. */
public final class Json {
    private Json() {}

    public static String type(JsonNode node, String what) {
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual()) {
            throw new TokenizerFormatException(what + " has no \"type\": " + abbreviate(node));
        }
        return t.asText();
    }

    public static boolean bool(JsonNode node, String key, boolean dflt) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }

    public static String text(JsonNode node, String key, String dflt) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    public static String requiredText(JsonNode node, String key, String what) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new TokenizerFormatException(what + " needs a string \"" + key + "\": " + abbreviate(node));
        }
        return v.asText();
    }

    public static int integer(JsonNode node, String key, int dflt) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? dflt : v.asInt();
    }

    public static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
