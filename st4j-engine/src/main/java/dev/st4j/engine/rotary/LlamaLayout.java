package dev.st4j.engine.rotary;

import dev.st4j.engine.checkpoint.ModelConfig;
import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.internal.safetensors.Tensor;
import java.util.function.Function;

/**
 * The weight layout and head configuration the Llama family of decoders share (Qwen3 and Gemma3 here):
 * {@code embed_tokens}, per layer {@code self_attn.{q,k,v,o}_proj} with optional biases and {@code q_norm} /
 * {@code k_norm}, and {@code mlp.{gate,up,down}_proj} without biases.
 */
public final class LlamaLayout {
    private LlamaLayout() {}

    /**
     * Head counts and size: {@code num_attention_heads}, {@code num_key_value_heads} (default: as many as query
     * heads, which must be a multiple of it) and {@code head_dim} (default: {@code hidden_size / heads}, which must
     * divide).
     */
    public record Heads(int heads, int kvHeads, int headDim) {

        public static Heads read(ModelConfig c, int hidden) {
            int heads = c.positive("num_attention_heads");
            int kvHeads = c.positive("num_key_value_heads", heads);
            c.requireMultiple("num_attention_heads", heads, "num_key_value_heads", kvHeads);
            if (!c.has("head_dim")) {
                c.requireMultiple("hidden_size", hidden, "num_attention_heads", heads);
            }
            return new Heads(heads, kvHeads, c.positive("head_dim", hidden / heads));
        }
    }

    /**
     * {@code embed_tokens.weight}; a checkpoint with tied input and output embeddings
     * ({@code tie_word_embeddings}) may hold it only as {@code lm_head.weight}.
     */
    public static Tensor embeddings(Checkpoint w, ModelConfig c, int vocab, int hidden, boolean tiedByDefault) {
        if (!w.has("embed_tokens.weight") && c.flag("tie_word_embeddings", tiedByDefault)
                && w.hasExact("lm_head.weight")) {
            return w.exactTensor("lm_head.weight", vocab, hidden);
        }
        return w.tensor("embed_tokens.weight", vocab, hidden);
    }

    /**
     * Layer {@code p}'s attention ({@code p} ends with a dot), with q/k norms built by {@code norm} from their
     * stored weights.
     */
    public static SelfAttention attention(Checkpoint w, String p, int hidden, Heads h, boolean bias,
            Function<float[], RmsNorm> norm, float scale, float softcap, AttentionMask mask) {
        String a = p + "self_attn.";
        int q = h.heads() * h.headDim();
        int kv = h.kvHeads() * h.headDim();
        return new SelfAttention(h.heads(), h.kvHeads(), h.headDim(),
                dev.st4j.engine.kernels.WeightMatrix.stack(w.matrix(a + "q_proj.weight", q, hidden),
                        w.matrix(a + "k_proj.weight", kv, hidden), w.matrix(a + "v_proj.weight", kv, hidden)),
                w.concatenated(bias, new String[] {a + "q_proj.bias", a + "k_proj.bias", a + "v_proj.bias"},
                        new int[] {q, kv, kv}),
                w.matrix(a + "o_proj.weight", hidden, q), w.optionalVector(bias, a + "o_proj.bias", hidden),
                norm.apply(w.vector(a + "q_norm.weight", h.headDim())),
                norm.apply(w.vector(a + "k_norm.weight", h.headDim())), scale, softcap, mask);
    }

    /** Layer {@code p}'s {@code down(act(gate(x)) * up(x))}. */
    public static GatedFeedForward feedForward(Checkpoint w, String p, int hidden, int intermediate,
            Activation activation) {
        String m = p + "mlp.";
        return new GatedFeedForward(
                dev.st4j.engine.kernels.WeightMatrix.stack(w.matrix(m + "gate_proj.weight", intermediate, hidden),
                        w.matrix(m + "up_proj.weight", intermediate, hidden)),
                null, w.matrix(m + "down_proj.weight", hidden, intermediate), null, activation);
    }
}
