package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.rotary.ReferenceFixture;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BF16 checkpoints (as Qwen3-Embedding and EmbeddingGemma ship) run in their stored type: their pooled vectors stay
 * within cosine 0.999 of the F32 reference, and the matrices are never widened as a whole.
 */
class RotaryHalfPrecisionTest {
    @TempDir
    Path dir;

    static TransformerBackend open(Path folder) {
        return new JavaEngineProvider().open(folder, new BackendOptions(2, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"modernbert", "qwen3", "gemma3", "gemma3-causal"})
    void bf16CopiesGivePooledVectorsWithinCosine0999OfTheF32Reference(String name) throws IOException {
        Path folder = ReferenceFixture.copy(dir, name, c -> {}, n -> n, DType.BF16);
        SafetensorsFile weights = SafetensorsFile.open(folder);
        assertTrue(weights.names().stream().allMatch(n -> weights.get(n).dtype() == DType.BF16));
        ReferenceFixture reference = ReferenceFixture.load(name);
        int hidden = reference.config().get("hidden_size").asInt();
        double worst = 1;
        try (TransformerBackend backend = open(folder)) {
            assertTrue(backend.describe().contains(" BF16, "), backend.describe());
            for (ReferenceFixture.Variant v : reference.variants()) {
                float[] out = backend.forward(v.batch());
                for (String kind : v.pooledKinds()) {
                    for (int b = 0; b < v.batch().batchSize(); b++) {
                        double c = HalfPrecisionTest.cosine(v.recordedPooled(kind, b), v.pool(kind, out, hidden, b));
                        assertTrue(c >= 0.999, name + " " + v.name() + " " + kind + " [" + b + "]: cosine " + c);
                        worst = Math.min(worst, c);
                    }
                }
            }
        }
        System.out.printf("%s BF16: worst pooled cosine to F32 %.6f%n", name, worst);
    }

    /**
     * A Qwen3 of 16.1M parameters (64 MB as F32) stored as BF16: loading it and running a batch grows the heap by
     * far less than widening its matrices would take.
     */
    @Test
    @Tag("slow")
    void aBf16QwenRunsWithoutWideningItsMatrices() throws IOException {
        int hidden = 256;
        int heads = 4;
        int kvHeads = 2;
        int headDim = 64;
        int intermediate = 1024;
        int layers = 8;
        int vocab = 32000;
        Path folder = Files.createDirectories(dir.resolve("qwen3-bf16"));
        Files.writeString(folder.resolve("config.json"), "{\"model_type\":\"qwen3\",\"hidden_size\":" + hidden
                + ",\"num_attention_heads\":" + heads + ",\"num_key_value_heads\":" + kvHeads + ",\"head_dim\":"
                + headDim + ",\"intermediate_size\":" + intermediate + ",\"num_hidden_layers\":" + layers
                + ",\"vocab_size\":" + vocab + ",\"rms_norm_eps\":1e-6,\"rope_theta\":1000000.0,"
                + "\"hidden_act\":\"silu\",\"tie_word_embeddings\":true}");
        Random random = new Random(3);
        Map<String, SafetensorsWriter.Entry> tensors = new LinkedHashMap<>();
        long parameters = 0;
        parameters += put(tensors, random, "model.embed_tokens.weight", vocab, hidden);
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            parameters += put(tensors, random, p + "input_layernorm.weight", hidden);
            parameters += put(tensors, random, p + "post_attention_layernorm.weight", hidden);
            parameters += put(tensors, random, p + "self_attn.q_proj.weight", heads * headDim, hidden);
            parameters += put(tensors, random, p + "self_attn.k_proj.weight", kvHeads * headDim, hidden);
            parameters += put(tensors, random, p + "self_attn.v_proj.weight", kvHeads * headDim, hidden);
            parameters += put(tensors, random, p + "self_attn.o_proj.weight", hidden, heads * headDim);
            parameters += put(tensors, random, p + "self_attn.q_norm.weight", headDim);
            parameters += put(tensors, random, p + "self_attn.k_norm.weight", headDim);
            parameters += put(tensors, random, p + "mlp.gate_proj.weight", intermediate, hidden);
            parameters += put(tensors, random, p + "mlp.up_proj.weight", intermediate, hidden);
            parameters += put(tensors, random, p + "mlp.down_proj.weight", hidden, intermediate);
        }
        parameters += put(tensors, random, "model.norm.weight", hidden);
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, DType.BF16);
        tensors = null;
        long widened = parameters * 4;

        long before = HalfPrecisionTest.usedHeapAfterGc();
        try (TransformerBackend backend = open(folder)) {
            int n = 64;
            long[] ids = new long[n];
            long[] mask = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = random.nextInt(vocab);
                mask[i] = i >= 8 ? 1 : 0;
            }
            float[] out = backend.forward(new TokenBatch(1, n, ids, mask, new long[n], new int[] {n - 8}));
            long growth = HalfPrecisionTest.usedHeapAfterGc() - before;
            assertTrue(Float.isFinite(out[n * hidden - 1]));
            assertTrue(growth < widened / 8, "heap grew by " + (growth >> 10) + " KB; widened F32 matrices would "
                    + "take " + (widened >> 20) + " MB");
            System.out.printf("BF16 Qwen3 of %d parameters (%d MB as F32): heap growth %d KB%n", parameters,
                    widened >> 20, growth >> 10);
        }
    }

    static long put(Map<String, SafetensorsWriter.Entry> tensors, Random random, String name, int... shape) {
        int n = 1;
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            n *= shape[i];
            dims[i] = shape[i];
        }
        float[] data = new float[n];
        float scale = shape.length == 1 ? 0.1f : (float) (1 / Math.sqrt(shape[shape.length - 1]));
        for (int i = 0; i < n; i++) {
            data[i] = (shape.length == 1 ? 1 : 0) + (float) random.nextGaussian() * scale;
        }
        tensors.put(name, new SafetensorsWriter.Entry(dims, data));
        return n;
    }
}
