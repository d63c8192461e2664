package dev.st4j.engine;

import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Java engine says when a folder holds something it cannot run, on a tiny random BERT. */
class JavaEngineErrorsTest {
    static final String CONFIG = "{\"model_type\":\"bert\",\"hidden_size\":8,\"num_attention_heads\":2,"
            + "\"num_hidden_layers\":1,\"intermediate_size\":16,\"max_position_embeddings\":8,\"vocab_size\":20,"
            + "\"type_vocab_size\":2,\"layer_norm_eps\":1e-12,\"hidden_act\":\"gelu\"}";

    @TempDir
    Path dir;

    final JavaEngineProvider provider = new JavaEngineProvider();
    final BackendOptions options = new BackendOptions(1, null);

    static Map<String, SafetensorsWriter.Entry> tinyBert(String prefix) {
        Random r = new Random(1);
        Map<String, SafetensorsWriter.Entry> m = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, long[]> add = (name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] data = new float[(int) n];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextGaussian() * 0.2f + (name.endsWith("LayerNorm.weight") ? 1 : 0);
            }
            m.put(prefix + name, new SafetensorsWriter.Entry(shape, data));
        };
        add.accept("embeddings.word_embeddings.weight", new long[] {20, 8});
        add.accept("embeddings.position_embeddings.weight", new long[] {8, 8});
        add.accept("embeddings.token_type_embeddings.weight", new long[] {2, 8});
        add.accept("embeddings.LayerNorm.weight", new long[] {8});
        add.accept("embeddings.LayerNorm.bias", new long[] {8});
        String p = "encoder.layer.0.";
        for (String s : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense"}) {
            add.accept(p + s + ".weight", new long[] {8, 8});
            add.accept(p + s + ".bias", new long[] {8});
        }
        add.accept(p + "attention.output.LayerNorm.weight", new long[] {8});
        add.accept(p + "attention.output.LayerNorm.bias", new long[] {8});
        add.accept(p + "intermediate.dense.weight", new long[] {16, 8});
        add.accept(p + "intermediate.dense.bias", new long[] {16});
        add.accept(p + "output.dense.weight", new long[] {8, 16});
        add.accept(p + "output.dense.bias", new long[] {8});
        add.accept(p + "output.LayerNorm.weight", new long[] {8});
        add.accept(p + "output.LayerNorm.bias", new long[] {8});
        return m;
    }

    Path folder(String config, Map<String, SafetensorsWriter.Entry> weights) throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), weights, DType.F32);
        return dir;
    }

    static TokenBatch batch() {
        // Two texts, lengths 3 and 5, padded to 5.
        long[] ids = {1, 5, 2, 0, 0, 1, 7, 8, 9, 2};
        long[] mask = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
        return new TokenBatch(2, 5, ids, mask, new long[10], new int[] {3, 5});
    }

    static long engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(dev.st4j.engine.kernels.Parallel.THREAD_PREFIX))
                .count();
    }

    @Test
    void closingTheBackendEndsItsThreadsAndDropsTheModel() throws IOException {
        long before = engineThreads();
        TransformerBackend b = provider.open(folder(CONFIG, tinyBert("")), new BackendOptions(3, null));
        float[] first = b.forward(batch());
        assertEquals(before + 2, engineThreads(), "3 threads: the caller and two workers");
        assertArrayEquals(first, b.forward(batch()), "a second batch reuses the pooled workspace");
        b.close();
        assertEquals(before, engineThreads(), "no engine thread remains after close");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.forward(batch()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void describeSaysWhichKernelsRunAndWhetherWeightsArePacked() throws IOException {
        try (TransformerBackend b = provider.open(folder(CONFIG, tinyBert("")), options)) {
            String d = b.describe();
            assertTrue(d.contains(dev.st4j.engine.kernels.Kernels.preferred().describe() + " kernels"), d);
            assertTrue(d.contains("weights packed at load ("), d);
        }
    }

    @Test
    void runsATinyBertWithOrWithoutTheBertPrefixAndZeroesPadding() throws IOException {
        float[] plain;
        try (TransformerBackend b = provider.open(folder(CONFIG, tinyBert("")), options)) {
            assertTrue(b.describe().startsWith("java (BERT, "), b.describe());
            plain = b.forward(batch());
        }
        float[] prefixed;
        try (TransformerBackend b = provider.open(folder(CONFIG, tinyBert("bert.")), options)) {
            prefixed = b.forward(batch());
        }
        assertArrayEquals(plain, prefixed);
        assertEquals(2 * 5 * 8, plain.length);
        for (int i = 3 * 8; i < 5 * 8; i++) {
            assertEquals(0f, plain[i], "padding of row 0");
        }
        // A sequence's output does not depend on what else is in the batch.
        long[] ids = {1, 5, 2};
        try (TransformerBackend b = provider.open(dir, options)) {
            float[] alone = b.forward(new TokenBatch(1, 3, ids, new long[] {1, 1, 1}, new long[3], new int[] {3}));
            assertArrayEquals(java.util.Arrays.copyOf(plain, 24), alone, 1e-6f);
        }
    }

    @Test
    void unsupportedArchitectureNamesItTheSupportedOnesAndTheOnnxBackend() throws IOException {
        folder(CONFIG.replace("\"bert\"", "\"deberta-v2\""), tinyBert(""));
        Files.createDirectories(dir.resolve("onnx"));
        Files.writeString(dir.resolve("onnx/model.onnx"), "not really");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> dev.st4j.internal.backends.Backends.open(dir, "java", options));
        assertTrue(e.getMessage().contains("'deberta-v2'") && e.getMessage().contains("[bert, roberta, ")
                && e.getMessage().contains("backend(\"onnx\")"), e.getMessage());
    }

    @Test
    void unsupportedArchitectureWithoutOnnxFileGivesNoOnnxHint() throws IOException {
        folder(CONFIG.replace("\"bert\"", "\"t5\""), tinyBert(""));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> provider.open(dir, options));
        assertTrue(e.getMessage().contains("'t5'"), e.getMessage());
        assertFalse(e.getMessage().contains("onnx"), e.getMessage());
    }

    @Test
    void missingWeightIsNamed() throws IOException {
        Map<String, SafetensorsWriter.Entry> w = tinyBert("");
        w.remove("encoder.layer.0.intermediate.dense.weight");
        folder(CONFIG, w);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> provider.open(dir, options));
        assertTrue(e.getMessage().contains("'encoder.layer.0.intermediate.dense.weight' is missing")
                && e.getMessage().contains("[16, 8]"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTheTensorAndBothShapes() throws IOException {
        Map<String, SafetensorsWriter.Entry> w = tinyBert("");
        w.put("encoder.layer.0.output.dense.weight", new SafetensorsWriter.Entry(new long[] {16, 8},
                new float[128]));
        folder(CONFIG, w);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> provider.open(dir, options));
        assertTrue(e.getMessage().contains("'encoder.layer.0.output.dense.weight' has shape [16, 8]")
                && e.getMessage().contains("[8, 16]"), e.getMessage());
    }

    @Test
    void onlyFoldersWithSafetensorsHaveWeightsForIt() throws IOException {
        assertFalse(provider.weightFiles(dev.st4j.internal.backends.Backends.listFiles(dir), options).found());
        folder(CONFIG, tinyBert(""));
        assertEquals(List.of("model.safetensors"),
                provider.weightFiles(dev.st4j.internal.backends.Backends.listFiles(dir), options).files());
        assertEquals("java", provider.name());
    }
}
