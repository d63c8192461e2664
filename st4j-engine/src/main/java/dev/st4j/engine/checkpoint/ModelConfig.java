package dev.st4j.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import java.nio.file.Path;

/**
 * Typed reads of one architecture's {@code config.json}, with errors that name the file, the key and the value, so
 * a setting the engine does not compute is refused at load rather than approximated.
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

    public JsonNode json() {
        return json;
    }

    /** True when {@code key} is present and not JSON null. */
    public boolean has(String key) {
        return json.hasNonNull(key);
    }

    /** A required positive integer. */
    public int positive(String key) {
        JsonNode n = json.get(key);
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new ModelFormatException(file, "\"" + key + "\" must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    /** A positive integer, or {@code fallback} when absent or null. */
    public int positive(String key, int fallback) {
        return has(key) ? positive(key) : fallback;
    }

    /** A number, or {@code fallback} when absent or null. */
    public double number(String key, double fallback) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new ModelFormatException(file, "\"" + key + "\" must be a number, got " + n);
        }
        return n.asDouble();
    }

    /** A boolean, or {@code fallback} when absent or null. */
    public boolean flag(String key, boolean fallback) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new ModelFormatException(file, "\"" + key + "\" must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    /** A string, or {@code fallback} when absent or null. */
    public String text(String key, String fallback) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    /** Refuses {@code key}'s value, saying what the engine computes instead. */
    public UnsupportedModelException unsupported(String key, Object value, String supported) {
        return new UnsupportedModelException(file + ": " + key + " " + value + " is not supported by the Java engine's "
                + architecture + " (" + supported + "); run this model with the ONNX backend");
    }

    /** Refuses a key that must be absent, null or {@code expected}. */
    public void requireAbsentOr(String key, double expected, String why) {
        if (has(key) && number(key, expected) != expected) {
            throw unsupported(key, json.get(key), why);
        }
    }

    /** Checks that {@code numerator} (of key {@code nKey}) is a multiple of {@code divisor} (of {@code dKey}). */
    public void requireMultiple(String nKey, int numerator, String dKey, int divisor) {
        if (numerator % divisor != 0) {
            throw new ModelFormatException(file, nKey + " " + numerator + " is not a multiple of " + dKey + " "
                    + divisor);
        }
    }

    /** {@code layer_types}: one entry per layer, each {@code full_attention} or {@code sliding_attention}. */
    public String[] layerTypes(int layers, java.util.function.IntFunction<String> fallback) {
        String[] types = new String[layers];
        JsonNode n = json.get("layer_types");
        if (n != null && !n.isNull()) {
            if (!n.isArray() || n.size() != layers) {
                throw new ModelFormatException(file, "\"layer_types\" must list " + layers + " entries "
                        + "(num_hidden_layers), got " + n);
            }
            for (int i = 0; i < layers; i++) {
                types[i] = n.get(i).asText();
            }
        } else {
            for (int i = 0; i < layers; i++) {
                types[i] = fallback.apply(i);
            }
        }
        for (String t : types) {
            if (!t.equals(FULL) && !t.equals(SLIDING)) {
                throw unsupported("layer_types entry", "'" + t + "'", "it runs '" + FULL + "' and '" + SLIDING + "'");
            }
        }
        return types;
    }

    public static final String FULL = "full_attention";
    public static final String SLIDING = "sliding_attention";
}
