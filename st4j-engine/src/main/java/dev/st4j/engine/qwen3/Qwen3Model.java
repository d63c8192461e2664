package dev.st4j.engine.qwen3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.rotary.Activation;
import dev.st4j.engine.rotary.AttentionMask;
import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.rotary.GatedFeedForward;
import dev.st4j.engine.rotary.LlamaLayout;
import dev.st4j.engine.checkpoint.ModelConfig;
import dev.st4j.engine.batch.PackedBatch;
import dev.st4j.engine.rotary.RmsNorm;
import dev.st4j.engine.rotary.RotaryEmbedding;
import dev.st4j.engine.rotary.RotaryModel;
import dev.st4j.engine.rotary.SelfAttention;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen3 (the backbone of Qwen3-Embedding) as Hugging Face's {@code Qwen3Model} computes it: token embeddings, then
 * pre-norm blocks of causal grouped-query self-attention (queries and keys RMS-normalized per head, then rotated
 * with {@code rope_theta}) and a SwiGLU feed-forward, each added to its input, then a final RMSNorm. Layers listed
 * as {@code sliding_attention} see the last {@code sliding_window} tokens only. Biases only on the attention
 * projections, and only with {@code attention_bias}.
 *
 * <p>Real tokens are packed, so a left-padded batch (Qwen3-Embedding pads left) costs nothing extra and gives the
 * same vectors as a right-padded one.
 */
public final class Qwen3Model extends RotaryModel {
    private final List<Layer> layers;
    private final RmsNorm finalNorm;
    private final RotaryEmbedding rotary;

    private record Layer(RmsNorm inputNorm, SelfAttention attention, RmsNorm postAttentionNorm,
            GatedFeedForward mlp) {}

    private Qwen3Model(Kernels kernels, ModelConfig c, Checkpoint w) {
        super("Qwen3", kernels, LlamaLayout.embeddings(w, c, c.positive("vocab_size"), c.positive("hidden_size"),
                false));
        int layerCount = c.positive("num_hidden_layers");
        int intermediate = c.positive("intermediate_size");
        float eps = (float) c.number("rms_norm_eps", 1e-6);
        LlamaLayout.Heads heads = LlamaLayout.Heads.read(c, hidden);
        boolean bias = c.flag("attention_bias", false);
        Activation activation = Activation.fromConfig(c, "hidden_act", c.text("hidden_act", "silu"));
        this.rotary = RotaryEmbedding.of(c, ModelConfig.FULL, heads.headDim(), c.number("rope_theta", 10000),
                c.json().get("rope_scaling"), "rope_scaling");
        // As Qwen3Config: the window applies only with use_sliding_window, from layer max_window_layers on.
        Integer window = c.flag("use_sliding_window", false) && c.has("sliding_window")
                ? c.positive("sliding_window") : null;
        int firstWindowed = (int) c.number("max_window_layers", 28);
        String[] types = c.layerTypes(layerCount,
                i -> window != null && i >= firstWindowed ? ModelConfig.SLIDING : ModelConfig.FULL);

        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            String p = "layers." + i + ".";
            AttentionMask mask = AttentionMask.causal();
            if (types[i].equals(ModelConfig.SLIDING)) {
                if (window == null) {
                    throw c.unsupported("layer_types[" + i + "]", "'" + types[i] + "'",
                            "a sliding layer needs use_sliding_window true and a sliding_window");
                }
                mask = AttentionMask.causalWindow(window);
            }
            list.add(new Layer(
                    RmsNorm.timesWeight(w.vector(p + "input_layernorm.weight", hidden), eps),
                    LlamaLayout.attention(w, p, hidden, heads, bias, v -> RmsNorm.timesWeight(v, eps),
                            (float) (1 / Math.sqrt(heads.headDim())), 0, mask).prepared(kernels),
                    RmsNorm.timesWeight(w.vector(p + "post_attention_layernorm.weight", hidden), eps),
                    LlamaLayout.feedForward(w, p, hidden, intermediate, activation).prepared(kernels)));
        }
        this.layers = List.copyOf(list);
        this.finalNorm = RmsNorm.timesWeight(w.vector("norm.weight", hidden), eps);
    }

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute (a rope scaling kind,
     *     an activation, a layer type)
     * @throws ModelFormatException for a missing tensor, a shape that disagrees with the config, or head counts
     *     that do not divide
     */
    public static Qwen3Model load(Path configFile, JsonNode config, SafetensorsFile weights, Kernels kernels) {
        return new Qwen3Model(kernels, new ModelConfig(configFile, config, "Qwen3"),
                new Checkpoint(weights, "Qwen3", "norm.weight", "model."));
    }

    @Override
    public long packedWeightBytes() {
        return layers.stream().mapToLong(l -> l.attention.packedWeightBytes() + l.mlp.packedWeightBytes()).sum();
    }

    @Override
    protected void encode(PackedBatch packed, float[] x, Parallel parallel) {
        int tokens = packed.tokens();
        RotaryEmbedding.Angles angles = rotary.angles(packed.positions());
        float[] normed = new float[tokens * hidden];
        float[] y = new float[tokens * hidden];
        for (Layer layer : layers) {
            layer.inputNorm.applyRows(parallel, x, normed, tokens);
            layer.attention.forward(kernels, parallel, normed, packed, angles, y);
            kernels.axpy(1f, y, 0, x, 0, tokens * hidden);
            layer.postAttentionNorm.applyRows(parallel, x, normed, tokens);
            layer.mlp.forward(kernels, parallel, normed, tokens, y);
            kernels.axpy(1f, y, 0, x, 0, tokens * hidden);
        }
        finalNorm.applyRows(parallel, x, x, tokens);
    }
}
