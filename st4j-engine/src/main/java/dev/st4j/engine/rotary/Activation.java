package dev.st4j.engine.rotary;

import dev.st4j.engine.checkpoint.ModelConfig;
import dev.st4j.engine.kernels.Kernels;

/** The activation functions of transformers' {@code ACT2FN} that the engine computes, by their config names. */
public enum Activation {
    /** Exact GELU through erf ({@code gelu}). */
    GELU,
    /** GELU's tanh approximation ({@code gelu_pytorch_tanh}, {@code gelu_new}). */
    GELU_TANH,
    /** {@code x * sigmoid(x)} ({@code silu}, {@code swish}). */
    SILU;

    /** The activation named {@code value} of config key {@code key}, or an error naming both. */
    public static Activation fromConfig(ModelConfig config, String key, String value) {
        return switch (value) {
            case "gelu" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new" -> GELU_TANH;
            case "silu", "swish" -> SILU;
            default -> throw config.unsupported(key, "'" + value + "'",
                    "it computes gelu, gelu_pytorch_tanh, gelu_new, silu and swish");
        };
    }

    /** Applies the activation in place on {@code x[off, off + n)}. */
    public void apply(Kernels kernels, float[] x, int off, int n) {
        switch (this) {
            case GELU -> kernels.gelu(x, off, n);
            case GELU_TANH -> kernels.geluTanh(x, off, n);
            case SILU -> kernels.silu(x, off, n);
        }
    }
}
