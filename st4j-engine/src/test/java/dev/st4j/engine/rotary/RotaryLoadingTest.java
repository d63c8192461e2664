package dev.st4j.engine.rotary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.JavaEngineProvider;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the rotary architectures load: the weight namings and dispatch they accept, and the settings they refuse by
 * name (on copies of the reference fixtures with one config value or tensor changed).
 */
class RotaryLoadingTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = new ObjectMapper();

    Path copy(String name, Consumer<ObjectNode> editConfig, UnaryOperator<String> rename, DType dtype)
            throws IOException {
        return ReferenceFixture.copy(dir, name, editConfig, rename, dtype);
    }

    Path withConfig(String name, Consumer<ObjectNode> edit) throws IOException {
        return copy(name, edit, n -> n, DType.F32);
    }

    static TransformerBackend open(Path folder) {
        return new JavaEngineProvider().open(folder, new BackendOptions(1, null));
    }

    static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    /**
     * The engine's output for the fixture's first recorded batch, from a folder. (Compared with a tolerance: the
     * Vector API's exp rounds differently before and after the JIT compiles it.)
     */
    static float[] firstBatch(String name, Path folder) {
        TokenBatch batch = ReferenceFixture.load(name).variants().get(0).batch();
        try (TransformerBackend backend = open(folder)) {
            return backend.forward(batch);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"modernbert", "qwen3", "gemma3"})
    void theProviderDispatchesByModelType(String name) {
        ReferenceFixture f = ReferenceFixture.load(name);
        try (TransformerBackend backend = open(f.folder())) {
            String expected = switch (name) {
                case "modernbert" -> "java (ModernBERT, ";
                case "qwen3" -> "java (Qwen3, ";
                default -> "java (Gemma3, ";
            };
            assertTrue(backend.describe().startsWith(expected), backend.describe());
            assertEquals(f.config().get("hidden_size").asInt(), backend.hiddenSize());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"modernbert", "qwen3", "gemma3"})
    void theModelPrefixOfTaskCheckpointsIsAccepted(String name) throws IOException {
        Path prefixed = copy(name, c -> {}, n -> "model." + n, DType.F32);
        assertArrayEquals(firstBatch(name, ReferenceFixture.load(name).folder()), firstBatch(name, prefixed), 1e-5f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "gemma3"})
    void tiedEmbeddingsStoredOnlyAsTheOutputHeadAreUsed(String name) throws IOException {
        Path tied = copy(name, c -> c.put("tie_word_embeddings", true),
                n -> n.equals("embed_tokens.weight") ? "lm_head.weight" : "model." + n, DType.F32);
        assertArrayEquals(firstBatch(name, ReferenceFixture.load(name).folder()), firstBatch(name, tied), 1e-5f);
    }

    /** A checkpoint split into BF16 shards with an index (as the hub ships large models) loads whole. */
    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "gemma3"})
    void shardedPrefixedBf16CheckpointsLoad(String name) throws IOException {
        Path single = copy(name, c -> {}, n -> "model." + n, DType.BF16);
        Path sharded = Files.createDirectories(dir.resolve(name + "-sharded"));
        Files.copy(single.resolve("config.json"), sharded.resolve("config.json"));
        SafetensorsFile whole = SafetensorsFile.open(single);
        List<Map<String, SafetensorsWriter.Entry>> shards =
                List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        ObjectNode weightMap = JSON.createObjectNode();
        int i = 0;
        for (String n : whole.names()) {
            int shard = i++ % 2;
            Tensor t = whole.get(n);
            shards.get(shard).put(n, new SafetensorsWriter.Entry(t.shape(), t.toFloatArray()));
            weightMap.put(n, "model-0000" + (shard + 1) + "-of-00002.safetensors");
        }
        for (int s = 0; s < 2; s++) {
            SafetensorsWriter.write(sharded.resolve("model-0000" + (s + 1)
                    + "-of-00002.safetensors"), shards.get(s), DType.BF16);
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        index.set("weight_map", weightMap);
        JSON.writeValue(sharded.resolve("model.safetensors.index.json").toFile(), index);
        assertArrayEquals(firstBatch(name, single), firstBatch(name, sharded), 1e-5f);
    }

    @Test
    void aMissingTensorIsNamedWithItsShape() throws IOException {
        Path folder = copy("qwen3", c -> {}, n -> n.equals("layers.1.self_attn.k_norm.weight") ? null : n,
                DType.F32);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> open(folder));
        assertMentions(e, "layers.1.self_attn.k_norm.weight", "missing", "[16]");
    }

    @Test
    void anUnimplementedRopeScalingKindIsRefusedByName() throws IOException {
        Path folder = withConfig("qwen3", c -> c.set("rope_scaling",
                JSON.createObjectNode().put("rope_type", "yarn").put("factor", 4.0)));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(folder)), "rope_scaling", "yarn");
        Path legacyKey = withConfig("gemma3", c -> c.set("rope_scaling",
                JSON.createObjectNode().put("type", "dynamic").put("factor", 2.0)));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(legacyKey)), "rope_scaling",
                "dynamic");
        Path perType = withConfig("modernbert", c -> c.set("rope_parameters", JSON.createObjectNode()
                .set("sliding_attention", JSON.createObjectNode().put("rope_type", "llama3").put("rope_theta", 1e4))));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(perType)),
                "rope_parameters.sliding_attention", "llama3");
        Path partial = withConfig("qwen3", c -> c.put("partial_rotary_factor", 0.5));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(partial)), "partial_rotary_factor",
                "0.5");
    }

    @Test
    void anUnimplementedActivationIsRefusedByName() throws IOException {
        Path qwen = withConfig("qwen3", c -> c.put("hidden_act", "relu2"));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(qwen)), "hidden_act", "relu2");
        Path gemma = withConfig("gemma3", c -> c.put("hidden_activation", "quick_gelu"));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(gemma)), "hidden_activation",
                "quick_gelu");
        Path modern = withConfig("modernbert", c -> c.put("hidden_activation", "mish"));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(modern)), "hidden_activation",
                "mish");
    }

    @Test
    void anUnimplementedAttentionSettingIsRefusedByName() throws IOException {
        Path chunked = withConfig("gemma3", c -> ((com.fasterxml.jackson.databind.node.ArrayNode)
                c.get("layer_types")).set(0, JSON.getNodeFactory().textNode("chunked_attention")));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(chunked)), "layer_types",
                "chunked_attention");
        // Qwen3 only windows layers with use_sliding_window; a sliding layer without a window is not computable.
        Path windowless = withConfig("qwen3", c -> ((com.fasterxml.jackson.databind.node.ArrayNode)
                c.get("layer_types")).set(1, JSON.getNodeFactory().textNode("sliding_attention")));
        assertMentions(assertThrows(UnsupportedModelException.class, () -> open(windowless)), "layer_types[1]",
                "sliding_attention", "use_sliding_window");
    }

    @Test
    void headCountsThatDoNotDivideAreNamed() throws IOException {
        Path kv = withConfig("qwen3", c -> c.put("num_key_value_heads", 3));
        assertMentions(assertThrows(ModelFormatException.class, () -> open(kv)), "num_attention_heads 4",
                "num_key_value_heads 3");
        Path hidden = withConfig("modernbert", c -> c.put("num_attention_heads", 5));
        assertMentions(assertThrows(ModelFormatException.class, () -> open(hidden)), "hidden_size 32",
                "num_attention_heads 5");
        Path noHeadDim = withConfig("gemma3", c -> {
            c.remove("head_dim");
            c.put("num_attention_heads", 3);
            c.put("num_key_value_heads", 1);
        });
        assertMentions(assertThrows(ModelFormatException.class, () -> open(noHeadDim)), "hidden_size 32",
                "num_attention_heads 3");
    }

    @Test
    void batchesWhoseMaskHasHolesOrDisagreesWithLengthsAreRefused() {
        ReferenceFixture f = ReferenceFixture.load("qwen3");
        try (TransformerBackend backend = open(f.folder())) {
            TokenBatch holes = new TokenBatch(1, 4, new long[] {5, 6, 7, 8}, new long[] {1, 0, 1, 1},
                    new long[4], new int[] {3});
            assertMentions(assertThrows(IllegalArgumentException.class, () -> backend.forward(holes)),
                    "padding between real tokens");
            TokenBatch lengths = new TokenBatch(1, 4, new long[] {5, 6, 7, 8}, new long[] {0, 0, 1, 1},
                    new long[4], new int[] {4});
            assertMentions(assertThrows(IllegalArgumentException.class, () -> backend.forward(lengths)),
                    "2 real tokens", "lengths says 4");
            TokenBatch vocab = new TokenBatch(1, 2, new long[] {5, 100000}, new long[] {1, 1}, new long[2],
                    new int[] {2});
            assertMentions(assertThrows(IllegalArgumentException.class, () -> backend.forward(vocab)),
                    "100000", "vocabulary");
        }
    }

    @Test
    void leftAndRightPaddedRowsGiveTheSameVectorsAtTheirRealPositions() {
        ReferenceFixture f = ReferenceFixture.load("gemma3-causal");
        long[] ids = {2, 17, 33, 8, 1};
        TokenBatch right = new TokenBatch(1, 8, new long[] {2, 17, 33, 8, 1, 0, 0, 0},
                new long[] {1, 1, 1, 1, 1, 0, 0, 0}, new long[8], new int[] {5});
        TokenBatch left = new TokenBatch(1, 8, new long[] {0, 0, 0, 2, 17, 33, 8, 1},
                new long[] {0, 0, 0, 1, 1, 1, 1, 1}, new long[8], new int[] {5});
        assertEquals(3, left.firstRealToken(0));
        assertEquals(0, right.firstRealToken(0));
        int hidden = f.config().get("hidden_size").asInt();
        try (TransformerBackend backend = open(f.folder())) {
            float[] r = backend.forward(right);
            float[] l = backend.forward(left);
            for (int t = 0; t < ids.length; t++) {
                for (int i = 0; i < hidden; i++) {
                    // Rotary positions differ by 3, which only rounding can see.
                    assertEquals(r[t * hidden + i], l[(t + 3) * hidden + i], 1e-5);
                }
            }
            for (int i = 0; i < 3 * hidden; i++) {
                assertEquals(0f, l[i]);
                assertEquals(0f, r[5 * hidden + i]);
            }
        }
    }

    @Test
    void rotaryAnglesAreThetaToTheMinusTwoIOverDimTimesPositionOverFactor() {
        int dim = 8;
        RotaryEmbedding plain = new RotaryEmbedding(dim, 10000, 1);
        RotaryEmbedding linear = new RotaryEmbedding(dim, 10000, 4);
        int[] positions = {0, 1, 7, 300};
        RotaryEmbedding.Angles a = plain.angles(positions);
        RotaryEmbedding.Angles b = linear.angles(positions);
        for (int t = 0; t < positions.length; t++) {
            for (int i = 0; i < dim / 2; i++) {
                double angle = positions[t] * Math.pow(10000, -2.0 * i / dim);
                assertEquals(Math.cos(angle), a.cos()[t * dim / 2 + i], 2e-5);
                assertEquals(Math.sin(angle), a.sin()[t * dim / 2 + i], 2e-5);
                assertEquals(Math.cos(angle / 4), b.cos()[t * dim / 2 + i], 2e-5);
                assertEquals(Math.sin(angle / 4), b.sin()[t * dim / 2 + i], 2e-5);
            }
        }
        // rotate-half pairs dimension i with i + dim/2: (1, 0) at angle x turns to (cos x, sin x).
        float[] v = {1, 0, 0, 0, 0, 0, 0, 0};
        a.rotate(2, v, 0);
        assertEquals(Math.cos(7), v[0], 1e-6);
        assertEquals(Math.sin(7), v[4], 1e-6);
    }

    /**
     * Long sequences (many sliding windows, attention rows wider than a vector tile, more tokens than one
     * feed-forward pass takes) give the same vectors batched together, left-padded, as each run alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"modernbert", "qwen3", "gemma3", "gemma3-causal"})
    void aBatchOfLongSequencesEqualsEachSequenceAlone(String name) {
        ReferenceFixture f = ReferenceFixture.load(name);
        int hidden = f.config().get("hidden_size").asInt();
        int[] lengths = {150, 300, 97};
        int seq = 300;
        java.util.Random random = new java.util.Random(7);
        long[][] rows = new long[lengths.length][];
        for (int b = 0; b < lengths.length; b++) {
            rows[b] = new long[lengths[b]];
            for (int i = 0; i < lengths[b]; i++) {
                rows[b][i] = 3 + random.nextInt(900);
            }
        }
        boolean left = !name.equals("modernbert");
        long[] ids = new long[lengths.length * seq];
        long[] mask = new long[lengths.length * seq];
        for (int b = 0; b < lengths.length; b++) {
            int start = left ? seq - lengths[b] : 0;
            for (int i = 0; i < lengths[b]; i++) {
                ids[b * seq + start + i] = rows[b][i];
                mask[b * seq + start + i] = 1;
            }
        }
        try (TransformerBackend backend = open(f.folder())) {
            float[] batched = backend.forward(new TokenBatch(lengths.length, seq, ids, mask, new long[ids.length],
                    lengths));
            for (int b = 0; b < lengths.length; b++) {
                int n = lengths[b];
                long[] ones = new long[n];
                java.util.Arrays.fill(ones, 1);
                float[] alone = backend.forward(new TokenBatch(1, n, rows[b], ones, new long[n], new int[] {n}));
                int start = left ? seq - n : 0;
                for (int i = 0; i < n * hidden; i++) {
                    assertEquals(alone[i], batched[(b * seq + start) * hidden + i], 1e-4,
                            name + " sequence " + b + " value " + i);
                }
            }
        }
    }
}
