package dev.st4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body read as a JSON object, with typed field readers whose errors name the field and the type the
 * route documents (422). Unknown fields are ignored, as TEI and OpenAI clients send extras such as {@code user}.
 */
final class JsonRequest {
    private final JsonNode root;

    private JsonRequest(JsonNode root) {
        this.root = root;
    }

    static JsonRequest parse(ObjectMapper json, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.invalid("the request body cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.invalid("the request body is empty; send a JSON object");
        }
        if (!root.isObject()) {
            throw ApiException.invalid("the request body must be a JSON object, got " + kind(root));
        }
        return new JsonRequest(root);
    }

    private JsonNode field(String name) {
        JsonNode n = root.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return field(name) != null;
    }

    JsonNode node(String name) {
        return field(name);
    }

    /** A string or a list of strings, as TEI's {@code inputs} and OpenAI's {@code input}. */
    List<String> texts(String name) {
        JsonNode n = field(name);
        if (n == null) {
            throw ApiException.invalid("field '" + name + "' is required: a string or a list of strings");
        }
        return texts(name, n);
    }

    static List<String> texts(String name, JsonNode n) {
        if (n.isTextual()) {
            return List.of(checkText(name, n.asText()));
        }
        if (!n.isArray()) {
            throw ApiException.invalid("field '" + name + "' must be a string or a list of strings, got " + kind(n));
        }
        if (n.isEmpty()) {
            throw ApiException.empty("field '" + name + "' is an empty list; send at least one text");
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                throw ApiException.invalid("field '" + name + "[" + i + "]' must be a string, got " + kind(e)
                        + " (token-id inputs are not supported; send text)");
            }
            out.add(checkText(name + "[" + i + "]", e.asText()));
        }
        return out;
    }

    private static String checkText(String name, String text) {
        if (text.isEmpty()) {
            throw ApiException.invalid("field '" + name + "' is an empty string; send a non-empty text");
        }
        return text;
    }

    String string(String name, String fallback) {
        JsonNode n = field(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw ApiException.invalid("field '" + name + "' must be a string, got " + kind(n));
        }
        return n.asText();
    }

    boolean bool(String name, boolean fallback) {
        JsonNode n = field(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw ApiException.invalid("field '" + name + "' must be true or false, got " + kind(n));
        }
        return n.asBoolean();
    }

    /** A positive integer, or null when absent. */
    Integer positiveInt(String name) {
        JsonNode n = field(name);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiException.invalid("field '" + name + "' must be an integer, got " + kind(n));
        }
        if (n.asInt() <= 0) {
            throw ApiException.invalid("field '" + name + "' must be positive, got " + n.asInt());
        }
        return n.asInt();
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
