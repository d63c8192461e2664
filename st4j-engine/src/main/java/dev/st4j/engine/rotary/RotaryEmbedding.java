package dev.st4j.engine.rotary;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.engine.checkpoint.ModelConfig;

/**
 * Rotary position embeddings (Su et al. 2021) in the "rotate half" layout of Hugging Face's Llama-family code: the
 * first and second halves of each head's vector form the pairs, pair {@code i} turns by {@code position *
 * theta^(-2i/dim) / factor}. Frequencies and angles are computed in float32 as transformers does, so the rotation
 * matches its rounding.
 */
public final class RotaryEmbedding {
    private final float[] inverseFrequency;

    /**
     * @param dim the rotated dimensions (a head's size)
     * @param theta the base ({@code rope_theta})
     * @param factor linear scaling: positions are divided by it (1 for none)
     */
    public RotaryEmbedding(int dim, double theta, double factor) {
        if (dim % 2 != 0) {
            throw new IllegalArgumentException("rotary dimension " + dim + " is odd");
        }
        inverseFrequency = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            float exponent = (float) (2 * i) / dim;
            float f = 1f / (float) Math.pow(theta, exponent);
            inverseFrequency[i] = (float) factor == 1f ? f : f / (float) factor;
        }
    }

    public int dim() {
        return 2 * inverseFrequency.length;
    }

    /** The cosines and sines of every pair's angle at each of {@code positions}: {@code [positions, dim / 2]}. */
    public Angles angles(int[] positions) {
        int half = inverseFrequency.length;
        float[] cos = new float[positions.length * half];
        float[] sin = new float[positions.length * half];
        for (int t = 0; t < positions.length; t++) {
            float p = positions[t];
            for (int i = 0; i < half; i++) {
                float angle = inverseFrequency[i] * p;
                cos[t * half + i] = (float) Math.cos(angle);
                sin[t * half + i] = (float) Math.sin(angle);
            }
        }
        return new Angles(cos, sin, half);
    }

    /** Precomputed rotations for the tokens of one batch. */
    public record Angles(float[] cos, float[] sin, int half) {

        /** Rotates the head vector {@code x[off, off + 2 * half)} of packed token {@code t} in place. */
        public void rotate(int t, float[] x, int off) {
            int a = t * half;
            for (int i = 0; i < half; i++) {
                float x1 = x[off + i];
                float x2 = x[off + half + i];
                float c = cos[a + i];
                float s = sin[a + i];
                x[off + i] = x1 * c - x2 * s;
                x[off + half + i] = x2 * c + x1 * s;
            }
        }
    }

    /**
     * The rotary position embedding of {@code theta} over {@code dim} dimensions with the scaling of
     * {@code scalingKey} (a {@code rope_scaling} object or null): {@code default} and {@code linear} are computed,
     * every other kind is refused by name.
     */
    private static RotaryEmbedding of(ModelConfig c, int dim, double theta, JsonNode scaling, String scalingKey) {
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
     * The rotary embedding that {@code c} gives layers of {@code type}: from transformers 5's {@code rope_parameters} (per layer type,
     * or one object for all), else from the 4.x keys the caller names ({@code legacyTheta} and the
     * {@code legacyScaling} object, or null for none).
     */
    public static RotaryEmbedding of(ModelConfig c, String type, int dim, double legacyTheta, JsonNode legacyScaling,
            String legacyScalingKey) {
        c.requireAbsentOr("partial_rotary_factor", 1, "it rotates whole heads, partial_rotary_factor 1");
        JsonNode all = c.json().path("rope_parameters");
        String key = "rope_parameters";
        JsonNode parameters = all;
        if (all.has(ModelConfig.FULL) || all.has(ModelConfig.SLIDING)) {
            parameters = all.path(type);
            key = "rope_parameters." + type;
        }
        if (parameters.isObject()) {
            JsonNode theta = parameters.get("rope_theta");
            if (theta == null || !theta.isNumber()) {
                throw new ModelFormatException(c.file(), key + " has no numeric rope_theta: " + parameters);
            }
            return of(c, dim, theta.asDouble(), parameters, key);
        }
        return of(c, dim, legacyTheta, legacyScaling, legacyScalingKey);
    }
}
