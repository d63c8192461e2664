package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.ModelFormatException;
import dev.st4j.SentenceTransformer;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.embedded.EmbeddedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX exports as they are found on the hub: where the file lies, external data, sentence-transformers' own output
 * names, declared position ids. The graphs are written by {@link TinyGraphs} (token embedding = a table row), so
 * every expected vector is worked out by hand here and computed by ONNX Runtime; the tiny models of the shared data
 * are checked against the outputs recorded with ONNX Runtime when they were made.
 */
class OnnxExportsTest {
    /** BERT uncased ids (the tokenizer of the embedded all-MiniLM-L6-v2): [CLS] hello world [SEP], [CLS] hello [SEP]. */
    static final int[] HELLO_WORLD = {101, 7592, 2088, 102};
    static final int[] HELLO = {101, 7592, 102};
    static final int VOCAB = 30522;

    @TempDir
    Path dir;

    /** Row i of a table of small integers, different per {@code salt}, so sums are exact. */
    static float[] row(int i, int salt) {
        return new float[] {i % 7 + salt, i % 5 - 2, 1};
    }

    static float[][] table(int salt) {
        float[][] t = new float[VOCAB][];
        for (int i = 0; i < VOCAB; i++) {
            t[i] = row(i, salt);
        }
        return t;
    }

    static float[] mean(int[] ids, int salt) {
        float[] m = new float[3];
        for (int id : ids) {
            float[] r = row(id, salt);
            for (int k = 0; k < 3; k++) {
                m[k] += r[k] / ids.length;
            }
        }
        return m;
    }

    /** A folder with no modules.json (Transformer + mean pooling), the given model_type and MiniLM's tokenizer. */
    static Path modelFolder(Path dir, String modelType) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"" + modelType + "\", \"hidden_size\": 3}");
        Path tokenizer = EmbeddedModels.materialize(
                EmbeddedModels.find("sentence-transformers/all-MiniLM-L6-v2").orElseThrow()).resolve("tokenizer.json");
        Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        return dir;
    }

    static SentenceTransformer load(Path folder, LoadOptions options) {
        return SentenceTransformer.load(folder, options);
    }

    @Test
    void rootModelOnnxComesBeforeTheOnnxFolderAndSeveralExportsAreWarnedAbout() throws IOException {
        Path m = modelFolder(dir, "bert");
        TinyGraphs.Spec.lookup(table(0)).writeTo(m.resolve("model.onnx"));
        TinyGraphs.Spec.lookup(table(100)).writeTo(m.resolve("onnx/model.onnx"));
        List<String> warnings = new ArrayList<>();
        Logger log = Logger.getLogger(OnnxBackendProvider.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(capture);
        try (SentenceTransformer st = load(m, LoadOptions.defaults())) {
            assertArrayEquals(mean(HELLO_WORLD, 0), st.encode("hello world"), 1e-5f);
            assertTrue(st.describeBackend().contains("model.onnx"), st.describeBackend());
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("[model.onnx, onnx/model.onnx]"), warnings.get(0));
    }

    @Test
    void aFileNameWithFoldersIsSplitAndABareNameIsAlsoLookedUpInTheOnnxFolder() throws IOException {
        Path m = modelFolder(dir, "bert");
        TinyGraphs.Spec.lookup(table(0)).writeTo(m.resolve("onnx/model.onnx"));
        TinyGraphs.Spec.lookup(table(30)).writeTo(m.resolve("onnx/model_O3.onnx"));
        for (String name : List.of("onnx/model_O3.onnx", "model_O3.onnx")) {
            try (SentenceTransformer st = load(m, LoadOptions.builder().onnxFileName(name).build())) {
                assertArrayEquals(mean(HELLO, 30), st.encode("hello"), 1e-5f, name);
            }
        }
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> load(m, LoadOptions.builder().onnxFileName("model_O4.onnx").build()));
        assertTrue(e.getMessage().contains("'model_O4.onnx'") && e.getMessage().contains("onnxFileName(\"onnx/model_O3.onnx\")"),
                e.getMessage());
    }

    @Test
    void externalDataBesideTheGraphIsLoadedAndItsAbsenceIsNamed() throws IOException {
        Path m = modelFolder(dir, "xlm-roberta");
        TinyGraphs.Spec.lookup(table(3)).externalData("model.onnx_data").writeTo(m.resolve("onnx/model.onnx"));
        assertTrue(Files.size(m.resolve("onnx/model.onnx")) < 4096, "the table lives in the data file");
        assertEquals(List.of("onnx/model.onnx_data"),
                new OnnxBackendProvider().referencedFiles("onnx/model.onnx", m.resolve("onnx/model.onnx")));
        try (SentenceTransformer st = load(m, LoadOptions.defaults())) {
            assertArrayEquals(mean(HELLO_WORLD, 3), st.encode("hello world"), 1e-5f);
        }
        Files.delete(m.resolve("onnx/model.onnx_data"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> load(m, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("model.onnx_data") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void sentenceTransformersOwnExportIsReadThroughItsTokenEmbeddings() throws IOException {
        // Its sentence_embedding here is the sum over tokens; st4j's Pooling (mean) must run on token_embeddings.
        Path m = modelFolder(dir, "mpnet");
        TinyGraphs.Spec.lookup(table(5)).tokenOutput("token_embeddings").withSentenceEmbedding()
                .writeTo(m.resolve("onnx/model.onnx"));
        try (SentenceTransformer st = load(m, LoadOptions.defaults())) {
            assertArrayEquals(mean(HELLO_WORLD, 5), st.encode("hello world"), 1e-5f);
            FloatMatrix tokens = st.encodeTokens(List.of("hello world"), EncodeOptions.defaults()).get(0);
            for (int t = 0; t < HELLO_WORLD.length; t++) {
                assertArrayEquals(row(HELLO_WORLD[t], 5), tokens.row(t), 0f);
            }
        }
    }

    @Test
    void declaredPositionIdsCountRealTokensInARightPaddedBatch() throws IOException {
        float[][] positions = new float[16][];
        for (int p = 0; p < positions.length; p++) {
            positions[p] = new float[] {10 * p, 0, -p};
        }
        Path m = modelFolder(dir, "qwen3");
        TinyGraphs.Spec.lookup(table(0)).withPositions(positions).writeTo(m.resolve("onnx/model.onnx"));
        try (SentenceTransformer st = load(m, LoadOptions.defaults())) {
            // One batch: "hello" is padded to the length of "hello world".
            List<FloatMatrix> tokens = st.encodeTokens(List.of("hello world", "hello"),
                    EncodeOptions.builder().batchSize(2).build());
            int[][] ids = {HELLO_WORLD, HELLO};
            for (int s = 0; s < 2; s++) {
                assertEquals(ids[s].length, tokens.get(s).rows());
                for (int t = 0; t < ids[s].length; t++) {
                    float[] r = row(ids[s][t], 0);
                    assertArrayEquals(new float[] {r[0] + 10 * t, r[1], r[2] - t}, tokens.get(s).row(t), 0f);
                }
            }
        }
    }

    /** The folders of tiny-models/ that hold a graph and the outputs ONNX Runtime gave for it. */
    static List<Path> tinyModels() throws IOException {
        Path root = Path.of(System.getProperty("st4j.shared.data"), "tiny-models");
        try (Stream<Path> s = Files.list(root)) {
            List<Path> out = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))
                    && Files.isRegularFile(p.resolve("ort_reference.json"))).sorted().toList();
            assertTrue(!out.isEmpty(), "no tiny models under " + root);
            return out;
        }
    }

    @Test
    void theTinyModelsGiveTheirReferenceOutputsFedOnlyTheInputsTheyDeclare() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (Path tiny : tinyModels()) {
            JsonNode reference = json.readTree(tiny.resolve("ort_reference.json").toFile());
            try (OnnxGraph graph = new OnnxGraph(tiny.resolve("model.onnx"), 1)) {
                int checked = 0;
                for (JsonNode c : reference.get("cases")) {
                    TokenBatch batch = batchOf(c);
                    for (var field : (Iterable<Map.Entry<String, JsonNode>>) c::fields) {
                        if (!graph.outputs().containsKey(field.getKey())) {
                            continue;
                        }
                        float[] expected = floats(field.getValue());
                        float[] actual = graph.run(batch, Set.of(field.getKey())).get(field.getKey());
                        assertEquals(expected.length, actual.length);
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(expected[i], actual[i], 1e-6 + 1e-5 * Math.abs(expected[i]),
                                    tiny.getFileName() + " " + field.getKey() + "[" + i + "] " + c.get("text"));
                        }
                        checked++;
                    }
                }
                assertTrue(checked > 0, tiny + ": no recorded output matches a graph output " + graph.outputs());
            }
        }
    }

    @Test
    void aTinyModelLoadsAsATransformerExactlyWhenItHasTokenEmbeddings() throws IOException {
        for (Path tiny : tinyModels()) {
            Path m = Files.createDirectories(dir.resolve(tiny.getFileName().toString()));
            Files.createSymbolicLink(m.resolve("model.onnx"), tiny.resolve("model.onnx"));
            boolean tokenLevel;
            try (OnnxGraph graph = new OnnxGraph(tiny.resolve("model.onnx"), 1)) {
                tokenLevel = graph.outputs().values().stream().anyMatch(
                        o -> o.getInfo() instanceof ai.onnxruntime.TensorInfo t && t.getShape().length == 3);
            }
            dev.st4j.backend.BackendOptions options = new dev.st4j.backend.BackendOptions(1, null);
            if (tokenLevel) {
                new OnnxBackendProvider().open(m, options).close();
                continue;
            }
            // Classification exports: only logits, which a SentenceTransformer cannot pool.
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> new OnnxBackendProvider().open(m, options));
            assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("feature-extraction"),
                    e.getMessage());
        }
    }

    /** A case's token ids as a batch: one row, or one row per inner array; mask and types when recorded. */
    static TokenBatch batchOf(JsonNode c) {
        JsonNode ids = c.get("input_ids");
        int rows = ids.get(0).isArray() ? ids.size() : 1;
        long[] flatIds = longs(ids);
        int seq = flatIds.length / rows;
        long[] mask = c.has("attention_mask") ? longs(c.get("attention_mask")) : ones(flatIds.length);
        long[] types = c.has("token_type_ids") ? longs(c.get("token_type_ids")) : new long[flatIds.length];
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < seq; t++) {
                lengths[r] += (int) mask[r * seq + t];
            }
        }
        return new TokenBatch(rows, seq, flatIds, mask, types, lengths);
    }

    static long[] longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        flatten(array, v -> out.add(v.asLong()));
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static float[] floats(JsonNode array) {
        List<Float> out = new ArrayList<>();
        flatten(array, v -> out.add((float) v.asDouble()));
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void flatten(JsonNode node, java.util.function.Consumer<JsonNode> sink) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, sink));
        } else {
            sink.accept(node);
        }
    }

    static long[] ones(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
