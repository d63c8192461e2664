package dev.st4j.engine.rotary;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.engine.layers.ModelConfig;

/**
 * The settings of {@code config.json} the rotary architectures share: which layers attend globally and which
 * within a window ({@code layer_types}), and each layer type's rotary embedding (transformers 4's
 * {@code rope_theta} / {@code rope_scaling} keys or transformers 5's {@code rope_parameters}). Rotary kinds other
 * than {@code default} and {@code linear} are refused by name.
 */
public final class RotaryConfig {
    private RotaryConfig() {}

    /** {@code layer_types}: one entry per layer, each {@code full_attention} or {@code sliding_attention}. */
    public static String[] layerTypes(ModelConfig c, int layers, java.util.function.IntFunction<String> fallback) {
        String[] types = new String[layers];
        JsonNode n = c.json().get("layer_types");
        if (n != null && !n.isNull()) {
            if (!n.isArray() || n.size() != layers) {
                throw new ModelFormatException(c.file(), "\"layer_types\" must list " + layers + " entries "
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
                throw c.unsupported("layer_types entry", "'" + t + "'", "it runs '" + FULL + "' and '" + SLIDING + "'");
            }
        }
        return types;
    }

    public static final String FULL = "full_attention";
    public static final String SLIDING = "sliding_attention";

    /**
     * The rotary position embedding of {@code theta} over {@code dim} dimensions with the scaling of
     * {@code scalingKey} (a {@code rope_scaling} object or null): {@code default} and {@code linear} are computed,
     * every other kind is refused by name.
     */
    static RotaryEmbedding rotary(ModelConfig c, int dim, double theta, JsonNode scaling, String scalingKey) {
        if (scaling == null || scaling.isNull()) {
            return new RotaryEmbedding(dim, theta, 1);
        }
        String kind = scaling.has("rope_type") ? scaling.path("rope_type").asText()
                : scaling.path("type").asText("default");
        return switch (kind) {
            case "default" -> new RotaryEmbedding(dim, theta, 1);
            case "linear" -> {
                JsonNode f = scaling.get("factor");
                if (f == null || !f.isNumber() || f.asDouble() <= 0) {
                    throw new ModelFormatException(c.file(), scalingKey + " of type linear needs a positive \"factor\", "
                            + "got " + scaling);
                }
                yield new RotaryEmbedding(dim, theta, f.asDouble());
            }
            default -> throw c.unsupported(scalingKey + " type", "'" + kind + "'", "it computes 'default' and 'linear'");
        };
    }

    /**
     * The rotary embedding of layers of {@code type}: from transformers 5's {@code rope_parameters} (per layer type,
     * or one object for all), else from the 4.x keys the caller names ({@code legacyTheta} and the
     * {@code legacyScaling} object, or null for none).
     */
    public static RotaryEmbedding rotaryFor(ModelConfig c, String type, int dim, double legacyTheta,
            JsonNode legacyScaling, String legacyScalingKey) {
        if (c.number("partial_rotary_factor", 1) != 1) {
            throw c.unsupported("partial_rotary_factor", c.json().get("partial_rotary_factor").toString(),
                    "it rotates whole heads, partial_rotary_factor 1");
        }
        JsonNode all = c.json().path("rope_parameters");
        String key = "rope_parameters";
        JsonNode parameters = all;
        if (all.has(FULL) || all.has(SLIDING)) {
            parameters = all.path(type);
            key = "rope_parameters." + type;
        }
        if (parameters.isObject()) {
            JsonNode theta = parameters.get("rope_theta");
            if (theta == null || !theta.isNumber()) {
                throw new ModelFormatException(c.file(), key + " has no numeric rope_theta: " + parameters);
            }
            return rotary(c, dim, theta.asDouble(), parameters, key);
        }
        return rotary(c, dim, legacyTheta, legacyScaling, legacyScalingKey);
    }
}
