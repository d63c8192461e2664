package dev.st4j.engine.modernbert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.rotary.Activation;
import dev.st4j.engine.rotary.AttentionMask;
import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.rotary.GatedFeedForward;
import dev.st4j.engine.checkpoint.ModelConfig;
import dev.st4j.engine.batch.PackedBatch;
import dev.st4j.engine.rotary.RotaryEmbedding;
import dev.st4j.engine.rotary.RotaryModel;
import dev.st4j.engine.rotary.Rows;
import dev.st4j.engine.rotary.SelfAttention;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ModernBERT (Warner et al. 2024) as Hugging Face's {@code ModernBertModel} computes it: token embeddings and a
 * LayerNorm (no position embeddings), then pre-LN blocks of bidirectional rotary self-attention and a GeGLU
 * feed-forward, each added to its input, then a final LayerNorm. Every {@code global_attn_every_n_layers}-th layer
 * (from layer 0) attends globally with {@code global_rope_theta}; the others attend within
 * {@code local_attention / 2} tokens either side with {@code local_rope_theta}. Linears and norms carry biases only
 * when the config says so; layer 0 has no attention norm (the embedding norm precedes it).
 *
 * <p>Real tokens are packed ("unpadded"), so no layer computes padding.
 */
public final class ModernBertModel extends RotaryModel {
    private final float eps;
    private final LayerNorm embeddingNorm;
    private final List<Layer> layers;
    private final LayerNorm finalNorm;
    private final RotaryEmbedding globalRotary;
    private final RotaryEmbedding localRotary;

    /** One block: {@code attnNorm} is null in layer 0. */
    private record Layer(LayerNorm attnNorm, SelfAttention attention, boolean local, LayerNorm mlpNorm,
            GatedFeedForward mlp) {}

    /** LayerNorm with an optional bias ({@code norm_bias}). */
    private record LayerNorm(float[] gamma, float[] beta) {}

    private ModernBertModel(Kernels kernels, ModelConfig c, Checkpoint w) {
        super("ModernBERT", kernels, w.tensor("embeddings.tok_embeddings.weight", c.positive("vocab_size"),
                c.positive("hidden_size")));
        int heads = c.positive("num_attention_heads");
        int layerCount = c.positive("num_hidden_layers");
        int intermediate = c.positive("intermediate_size");
        this.eps = (float) c.number("norm_eps", 1e-5);
        c.requireMultiple("hidden_size", hidden, "num_attention_heads", heads);
        int headDim = hidden / heads;
        boolean normBias = c.flag("norm_bias", false);
        boolean attentionBias = c.flag("attention_bias", false);
        boolean mlpBias = c.flag("mlp_bias", false);
        Activation activation = Activation.fromConfig(c, "hidden_activation", c.text("hidden_activation", "gelu"));
        int every = c.positive("global_attn_every_n_layers", 3);
        int window = c.positive("local_attention", 128);
        String[] types = c.layerTypes(layerCount, i -> i % every == 0 ? ModelConfig.FULL : ModelConfig.SLIDING);
        this.globalRotary = rotary(c, headDim, ModelConfig.FULL);
        this.localRotary = rotary(c, headDim, ModelConfig.SLIDING);

        this.embeddingNorm = norm(w, "embeddings.norm", normBias);
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            String p = "layers." + i + ".";
            boolean local = types[i].equals(ModelConfig.SLIDING);
            AttentionMask mask = local ? AttentionMask.bidirectional(window / 2) : AttentionMask.bidirectional();
            SelfAttention attention = new SelfAttention(heads, heads, headDim,
                    w.matrix(p + "attn.Wqkv.weight", 3 * hidden, hidden),
                    w.optionalVector(attentionBias, p + "attn.Wqkv.bias", 3 * hidden),
                    w.matrix(p + "attn.Wo.weight", hidden, hidden),
                    w.optionalVector(attentionBias, p + "attn.Wo.bias", hidden),
                    null, null, (float) (1 / Math.sqrt(headDim)), 0, mask).prepared(kernels);
            GatedFeedForward mlp = new GatedFeedForward(
                    w.matrix(p + "mlp.Wi.weight", 2 * intermediate, hidden),
                    w.optionalVector(mlpBias, p + "mlp.Wi.bias", 2 * intermediate),
                    w.matrix(p + "mlp.Wo.weight", hidden, intermediate),
                    w.optionalVector(mlpBias, p + "mlp.Wo.bias", hidden), activation).prepared(kernels);
            list.add(new Layer(i == 0 ? null : norm(w, p + "attn_norm", normBias), attention, local,
                    norm(w, p + "mlp_norm", normBias), mlp));
        }
        this.layers = List.copyOf(list);
        this.finalNorm = norm(w, "final_norm", normBias);
    }

    /** Global and local layers' rotary bases; a null {@code local_rope_theta} means the global one, as in 4.x. */
    private static RotaryEmbedding rotary(ModelConfig c, int headDim, String type) {
        double global = c.number("global_rope_theta", 160000);
        double theta = type.equals(ModelConfig.FULL) ? global : c.number("local_rope_theta", global);
        return RotaryEmbedding.of(c, type, headDim, theta, c.json().get("rope_scaling"), "rope_scaling");
    }

    private LayerNorm norm(Checkpoint w, String name, boolean bias) {
        float[] gamma = w.vector(name + ".weight", hidden);
        return new LayerNorm(gamma, bias ? w.vector(name + ".bias", hidden) : new float[hidden]);
    }

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute (an activation, a rope
     *     scaling kind, a layer type)
     * @throws ModelFormatException for a missing tensor, a shape that disagrees with the config, or head counts
     *     that do not divide
     */
    public static ModernBertModel load(Path configFile, JsonNode config, SafetensorsFile weights, Kernels kernels) {
        return new ModernBertModel(kernels, new ModelConfig(configFile, config, "ModernBERT"),
                new Checkpoint(weights, "ModernBERT", "embeddings.tok_embeddings.weight", "model."));
    }

    @Override
    public long packedWeightBytes() {
        return layers.stream().mapToLong(l -> l.attention.packedWeightBytes() + l.mlp.packedWeightBytes()).sum();
    }

    @Override
    protected void encode(PackedBatch packed, float[] x, Parallel parallel) {
        int tokens = packed.tokens();
        normalize(parallel, embeddingNorm, x, x, tokens);
        int[] positions = packed.positions();
        RotaryEmbedding.Angles global = globalRotary.angles(positions);
        RotaryEmbedding.Angles local = localRotary.angles(positions);
        float[] normed = new float[tokens * hidden];
        float[] y = new float[tokens * hidden];
        for (Layer layer : layers) {
            float[] input = x;
            if (layer.attnNorm != null) {
                normalize(parallel, layer.attnNorm, x, normed, tokens);
                input = normed;
            }
            layer.attention.forward(kernels, parallel, input, packed, layer.local ? local : global, y);
            kernels.axpy(1f, y, 0, x, 0, tokens * hidden);
            normalize(parallel, layer.mlpNorm, x, normed, tokens);
            layer.mlp.forward(kernels, parallel, normed, tokens, y);
            kernels.axpy(1f, y, 0, x, 0, tokens * hidden);
        }
        normalize(parallel, finalNorm, x, x, tokens);
    }

    private void normalize(Parallel parallel, LayerNorm norm, float[] src, float[] dst, int tokens) {
        Rows.forEach(parallel, tokens, r -> {
            if (src != dst) {
                System.arraycopy(src, r * hidden, dst, r * hidden, hidden);
            }
            kernels.addLayerNorm(dst, r * hidden, null, hidden, norm.gamma, norm.beta, eps);
        });
    }
}
