package dev.st4j.engine.gemma3;

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
 * The Gemma 3 text model as Hugging Face's {@code Gemma3TextModel} computes it, both as the causal LM backbone and
 * as EmbeddingGemma configures it ({@code use_bidirectional_attention: true}): token embeddings times
 * {@code sqrt(hidden_size)}, then blocks of grouped-query self-attention and a GELU-tanh gated feed-forward, each
 * wrapped in RMSNorms before and after and added to its input, then a final RMSNorm. Every RMSNorm multiplies by
 * {@code 1 + weight}. Queries and keys are normalized per head; scores are scaled by
 * {@code query_pre_attn_scalar^-0.5}.
 *
 * <p>Layers alternate ({@code layer_types}, else every {@code sliding_window_pattern}-th layer global): global
 * layers see the whole sequence (causal or not) and rotate with {@code rope_theta} and {@code rope_scaling}; sliding
 * layers rotate with {@code rope_local_base_freq} and see {@code sliding_window} tokens up to themselves when
 * causal, or, when bidirectional, keys within {@code sliding_window / 2} either side (transformers rewrites the
 * window to {@code sliding_window / 2 + 1} and keeps {@code |i - j| <} it; the saved config holds the raw value).
 */
public final class Gemma3TextModel extends RotaryModel {
    private final float embeddingScale;
    private final List<Layer> layers;
    private final RmsNorm finalNorm;
    private final RotaryEmbedding globalRotary;
    private final RotaryEmbedding localRotary;

    private record Layer(RmsNorm inputNorm, SelfAttention attention, boolean sliding, RmsNorm postAttentionNorm,
            RmsNorm preFeedForwardNorm, GatedFeedForward mlp, RmsNorm postFeedForwardNorm) {}

    private Gemma3TextModel(Kernels kernels, ModelConfig c, Checkpoint w) {
        super("Gemma3", kernels, LlamaLayout.embeddings(w, c, c.positive("vocab_size"), c.positive("hidden_size"),
                true));
        int layerCount = c.positive("num_hidden_layers");
        int intermediate = c.positive("intermediate_size");
        float eps = (float) c.number("rms_norm_eps", 1e-6);
        LlamaLayout.Heads heads = LlamaLayout.Heads.read(c, hidden);
        boolean bias = c.flag("attention_bias", false);
        Activation activation = Activation.fromConfig(c, "hidden_activation",
                c.text("hidden_activation", "gelu_pytorch_tanh"));
        boolean bidirectional = c.flag("use_bidirectional_attention", false);
        int window = c.positive("sliding_window", 4096);
        int pattern = c.positive("sliding_window_pattern", c.positive("_sliding_window_pattern", 6));
        String[] types = c.layerTypes(layerCount,
                i -> (i + 1) % pattern != 0 ? ModelConfig.SLIDING : ModelConfig.FULL);
        float scale = (float) Math.pow(c.number("query_pre_attn_scalar", 256), -0.5);
        float softcap = (float) c.number("attn_logit_softcapping", 0);
        this.embeddingScale = (float) Math.sqrt(hidden);
        this.globalRotary = RotaryEmbedding.of(c, ModelConfig.FULL, heads.headDim(), c.number("rope_theta", 1e6),
                c.json().get("rope_scaling"), "rope_scaling");
        // The local rotary embedding is always the default kind: transformers drops rope_scaling for it.
        this.localRotary = RotaryEmbedding.of(c, ModelConfig.SLIDING, heads.headDim(), c.number("rope_local_base_freq", 1e4),
                null, "rope_scaling");

        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            String p = "layers." + i + ".";
            boolean sliding = types[i].equals(ModelConfig.SLIDING);
            AttentionMask mask = !sliding ? (bidirectional ? AttentionMask.bidirectional() : AttentionMask.causal())
                    : bidirectional ? AttentionMask.bidirectional(window / 2) : AttentionMask.causalWindow(window);
            list.add(new Layer(
                    norm(w, p + "input_layernorm.weight", eps),
                    LlamaLayout.attention(w, p, hidden, heads, bias, v -> RmsNorm.timesOnePlusWeight(v, eps),
                            scale, softcap, mask).prepared(kernels),
                    sliding,
                    norm(w, p + "post_attention_layernorm.weight", eps),
                    norm(w, p + "pre_feedforward_layernorm.weight", eps),
                    LlamaLayout.feedForward(w, p, hidden, intermediate, activation).prepared(kernels),
                    norm(w, p + "post_feedforward_layernorm.weight", eps)));
        }
        this.layers = List.copyOf(list);
        this.finalNorm = norm(w, "norm.weight", eps);
    }

    private RmsNorm norm(Checkpoint w, String name, float eps) {
        return RmsNorm.timesOnePlusWeight(w.vector(name, hidden), eps);
    }

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute (a rope scaling kind,
     *     an activation, a layer type)
     * @throws ModelFormatException for a missing tensor, a shape that disagrees with the config, or head counts
     *     that do not divide
     */
    public static Gemma3TextModel load(Path configFile, JsonNode config, SafetensorsFile weights, Kernels kernels) {
        return new Gemma3TextModel(kernels, new ModelConfig(configFile, config, "Gemma3"),
                new Checkpoint(weights, "Gemma3", "norm.weight", "model."));
    }

    @Override
    public long packedWeightBytes() {
        return layers.stream().mapToLong(l -> l.attention.packedWeightBytes() + l.mlp.packedWeightBytes()).sum();
    }

    @Override
    protected void encode(PackedBatch packed, float[] x, Parallel parallel) {
        int tokens = packed.tokens();
        int size = tokens * hidden;
        for (int i = 0; i < size; i++) {
            x[i] *= embeddingScale;
        }
        int[] positions = packed.positions();
        RotaryEmbedding.Angles global = globalRotary.angles(positions);
        RotaryEmbedding.Angles local = localRotary.angles(positions);
        float[] normed = new float[size];
        float[] y = new float[size];
        for (Layer layer : layers) {
            layer.inputNorm.applyRows(parallel, x, normed, tokens);
            layer.attention.forward(kernels, parallel, normed, packed, layer.sliding ? local : global, y);
            layer.postAttentionNorm.applyRows(parallel, y, y, tokens);
            kernels.axpy(1f, y, 0, x, 0, size);
            layer.preFeedForwardNorm.applyRows(parallel, x, normed, tokens);
            layer.mlp.forward(kernels, parallel, normed, tokens, y);
            layer.postFeedForwardNorm.applyRows(parallel, y, y, tokens);
            kernels.axpy(1f, y, 0, x, 0, size);
        }
        finalNorm.applyRows(parallel, x, x, tokens);
    }
}
