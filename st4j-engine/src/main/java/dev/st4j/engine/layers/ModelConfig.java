package dev.st4j.engine.layers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import java.nio.file.Path;
import java.util.List;

/**
 * The keys of a {@code config.json} one architecture reads, with errors that name the file and the key: a malformed
 * value is a {@link ModelFormatException}, a well-formed value the engine does not compute an
 * {@link UnsupportedModelException}, so nothing is ever computed approximately.
 */
public final class ModelConfig {
    private final Path file;
    private final JsonNode json;
    private final String architecture;

    public ModelConfig(Path file, JsonNode json, String architecture) {
        this.file = file;
        this.json = json;
        this.architecture = architecture;
    }

    public Path file() {
        return file;
    }

    /** A required positive integer. */
    public int positive(String key) {
        JsonNode n = json.get(key);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            throw new ModelFormatException(file, "\"" + key + "\" must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    /** A positive integer, {@code fallback} when absent (or null, as {@code save_pretrained} writes defaults). */
    public int positive(String key, int fallback) {
        return absent(key) ? fallback : positive(key);
    }

    /** A non-negative integer such as a token id, {@code fallback} when absent. */
    public int index(String key, int fallback) {
        if (absent(key)) {
            return fallback;
        }
        JsonNode n = json.get(key);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
            throw new ModelFormatException(file, "\"" + key + "\" must be a non-negative integer, got " + n);
        }
        return n.asInt();
    }

    /** A positive number such as a norm's epsilon, {@code fallback} when absent. */
    public float positiveNumber(String key, double fallback) {
        if (absent(key)) {
            return (float) fallback;
        }
        JsonNode n = json.get(key);
        if (!n.isNumber() || !(n.asDouble() > 0)) {
            throw new ModelFormatException(file, "\"" + key + "\" must be a positive number, got " + n);
        }
        return (float) n.asDouble();
    }

    /** A boolean, {@code fallback} when absent. */
    public boolean flag(String key, boolean fallback) {
        if (absent(key)) {
            return fallback;
        }
        JsonNode n = json.get(key);
        if (!n.isBoolean()) {
            throw new ModelFormatException(file, "\"" + key + "\" must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    /**
     * Refuses any value of {@code key} other than those listed ({@code supported[0]} is assumed when the key is
     * absent), naming the key and the value.
     */
    public void require(String key, String... supported) {
        JsonNode n = json.get(key);
        String value = absent(key) ? supported[0] : n.isTextual() ? n.asText() : n.toString();
        if (!List.of(supported).contains(value)) {
            throw unsupported(key, "'" + value + "'", "it computes " + String.join(", ", quoted(supported)));
        }
    }

    /** Refuses {@code key} = true: a switch the architecture has but the engine does not compute. */
    public void requireNot(String key) {
        if (flag(key, false)) {
            throw unsupported(key, "true", "it computes only the default, false");
        }
    }

    /** An {@link UnsupportedModelException} for {@code key}'s {@code value}, with what the engine does instead. */
    public UnsupportedModelException unsupported(String key, String value, String instead) {
        return new UnsupportedModelException(file + ": " + key + " " + value + " is not supported by the Java "
                + "engine's " + architecture + " (" + instead + "); run the model with the ONNX backend instead");
    }

    /** Checks that {@code hidden} splits into {@code heads} heads of equal size. */
    public void requireDivisible(String hiddenKey, int hidden, String headsKey, int heads) {
        if (hidden % heads != 0) {
            throw new ModelFormatException(file, hiddenKey + " " + hidden + " is not a multiple of " + headsKey
                    + " " + heads);
        }
    }

    private boolean absent(String key) {
        JsonNode n = json.get(key);
        return n == null || n.isNull();
    }

    private static List<String> quoted(String[] values) {
        return java.util.Arrays.stream(values).map(v -> "'" + v + "'").toList();
    }
}
