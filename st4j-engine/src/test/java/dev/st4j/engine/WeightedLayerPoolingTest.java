package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.ModelFormatException;
import dev.st4j.SentenceTransformer;
import dev.st4j.UnsupportedModelException;
import dev.st4j.engine.fixtures.RealWeights;
import dev.st4j.engine.fixtures.ReferenceModels;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WeightedLayerPooling (SPEC 1.5: Python's {@code sentence_transformers.models.WeightedLayerPooling}) over the tiny
 * reference BERT, loaded as a sentence-transformers folder built here: Transformer (config.json with
 * {@code output_hidden_states}), WeightedLayerPooling, mean Pooling. Expected numbers come from outside st4j: the
 * last layer is transformers' recorded {@code last_hidden_state} / {@code mean_pooled}; layer 0 (the embedding
 * output) is computed here in double precision from the checkpoint, as BertEmbeddings does it
 * ({@code LayerNorm(word + position + token type)}, eps 1e-12).
 */
class WeightedLayerPoolingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The single-sequence rows of the reference batch ({@code [CLS] ... [SEP]}, token types 0). */
    private static final int[] SINGLE_ROWS = {1, 3};

    @Test
    void theWeightedMeanOfTheEmbeddingOutputAndTheLastLayerMatchesTheReference() throws IOException {
        ReferenceModels.Folder bert = bert();
        ReferenceModels.Variant v = bert.variants().get(0);
        // layer_start 0 over the 4 hidden states; a reversed or shifted stack would give other numbers
        float[] weights = {3f, 0f, 0f, 1f};
        Path folder = model(bert, v, true, 0, weights);
        double[][] embeddingOutput = embeddingOutputMeans(bert, v);
        try (SentenceTransformer m = SentenceTransformer.load(folder, LoadOptions.builder().backend("java").build())) {
            FloatMatrix e = m.encode(texts(v));
            for (int i = 0; i < SINGLE_ROWS.length; i++) {
                int b = SINGLE_ROWS[i];
                float[] expected = new float[v.mean()[b].length];
                for (int d = 0; d < expected.length; d++) {
                    expected[d] = (float) ((3 * embeddingOutput[i][d] + 1 * v.mean()[b][d]) / 4);
                }
                assertArrayEquals(expected, e.row(i), 2e-5f, "row " + b);
            }
            assertEquals(32, m.getEmbeddingDimension());
        }
    }

    @Test
    void layerStartSelectsTheLastLayerAloneAndSaveThenLoadKeepsItInPythonsLayout() throws IOException {
        ReferenceModels.Folder bert = bert();
        ReferenceModels.Variant v = bert.variants().get(0);
        Path folder = model(bert, v, false, 3, new float[] {2.5f});
        // Here the kwargs of sentence_bert_config.json ask for the layers, as Transformer(model_args=...) saves them.
        Files.writeString(folder.resolve("sentence_bert_config.json"),
                "{\"max_seq_length\": 128, \"model_args\": {\"output_hidden_states\": true}}");
        Path saved = tmp.resolve("saved");
        try (SentenceTransformer m = SentenceTransformer.load(folder, LoadOptions.builder().backend("java").build())) {
            FloatMatrix e = m.encode(texts(v));
            for (int i = 0; i < SINGLE_ROWS.length; i++) {
                assertArrayEquals(ReferenceModels.toFloat(v.mean()[SINGLE_ROWS[i]]), e.row(i), 1e-5f);
            }
            m.save(saved);
        }
        assertTrue(JSON.readTree(saved.resolve("config.json").toFile()).get("output_hidden_states").asBoolean());
        JsonNode config = JSON.readTree(saved.resolve("1_WeightedLayerPooling/config.json").toFile());
        assertEquals(32, config.get("word_embedding_dimension").asInt());
        assertEquals(3, config.get("layer_start").asInt());
        assertEquals(3, config.get("num_hidden_layers").asInt());
        Tensor w = SafetensorsFile.open(saved.resolve("1_WeightedLayerPooling")).get("layer_weights");
        assertArrayEquals(new float[] {2.5f}, w.toFloatArray());
        assertEquals("sentence_transformers.models.WeightedLayerPooling",
                JSON.readTree(saved.resolve("modules.json").toFile()).get(1).get("type").asText());
        try (SentenceTransformer m = SentenceTransformer.load(saved, LoadOptions.builder().backend("java").build())) {
            FloatMatrix e = m.encode(texts(v));
            assertArrayEquals(ReferenceModels.toFloat(v.mean()[SINGLE_ROWS[1]]), e.row(1), 1e-5f);
        }
    }

    @Test
    void withoutOutputHiddenStatesTheLastHiddenStatePassesThroughAsInPython() throws IOException {
        ReferenceModels.Folder bert = bert();
        ReferenceModels.Variant v = bert.variants().get(0);
        Path folder = model(bert, v, false, 0, new float[] {3f, 0f, 0f, 1f});
        try (SentenceTransformer m = SentenceTransformer.load(folder, LoadOptions.builder().backend("java").build())) {
            FloatMatrix e = m.encode(texts(v));
            assertArrayEquals(ReferenceModels.toFloat(v.mean()[SINGLE_ROWS[0]]), e.row(0), 1e-5f);
        }
    }

    @Test
    void weightsThatDoNotCoverTheLayersAreANamedFormatError() throws IOException {
        ReferenceModels.Folder bert = bert();
        ReferenceModels.Variant v = bert.variants().get(0);
        Path folder = model(bert, v, true, 1, new float[] {1f, 1f, 1f});
        // num_hidden_layers 3 in the module config but the weights file holds 2: shape error naming the tensor
        SafetensorsWriter.write(folder.resolve("1_WeightedLayerPooling/model.safetensors"),
                Map.of("layer_weights", new SafetensorsWriter.Entry(new long[] {2}, new float[] {1f, 1f})), DType.F32);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SentenceTransformer.load(folder, LoadOptions.builder().backend("java").build()));
        assertTrue(e.getMessage().contains("layer_weights") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void anOnnxGraphWithoutHiddenStatesIsRefusedNamingTheJavaBackend() throws IOException {
        Path source = RealWeights.folder("sentence-transformers/all-MiniLM-L6-v2");
        Path dir = tmp.resolve("onnx-wlp");
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = source.relativize(p).toString();
                if (rel.equals("modules.json") || rel.contains("Pooling") || rel.contains("Normalize")) {
                    continue;
                }
                Path target = dir.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.put("output_hidden_states", true);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        writeModules(dir, config.get("hidden_size").asInt(), config.get("num_hidden_layers").asInt(), 4,
                new float[config.get("num_hidden_layers").asInt() - 3]);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(dir, LoadOptions.builder().backend("onnx").build()));
        assertTrue(e.getMessage().contains("WeightedLayerPooling") && e.getMessage().contains("hidden_states")
                && e.getMessage().contains("--backend java"), e.getMessage());
    }

    // ---- fixtures -------------------------------------------------------------------------------------------

    private static ReferenceModels.Folder bert() {
        return ReferenceModels.folders(List.of("bert")).get(0);
    }

    /** The texts of {@link #SINGLE_ROWS}: each id between [CLS] and [SEP] as its word {@code w<id>}. */
    private static List<String> texts(ReferenceModels.Variant v) {
        List<String> out = new ArrayList<>();
        int seq = v.batch().seqLength();
        for (int b : SINGLE_ROWS) {
            List<String> words = new ArrayList<>();
            for (int t = 1; t < v.batch().lengths()[b] - 1; t++) {
                words.add(ReferenceModels.bertWord(v.batch().inputIds()[b * seq + t]));
            }
            out.add(String.join(" ", words));
        }
        return out;
    }

    /** Transformer + WeightedLayerPooling + mean Pooling around the reference BERT, with a word-level tokenizer. */
    private Path model(ReferenceModels.Folder bert, ReferenceModels.Variant v, boolean outputHiddenStates,
            int layerStart, float[] weights) throws IOException {
        Path dir = tmp.resolve("model-" + outputHiddenStates + "-" + layerStart + "-" + weights.length);
        ReferenceModels.copy(bert, dir, c -> outputHiddenStates
                ? c.replaceFirst("\\{", "{\n  \"output_hidden_states\": true,") : c, n -> n, Map.of());
        ReferenceModels.writeBertWordTokenizer(dir, bert.config().get("vocab_size").asInt(), "right");
        writeModules(dir, bert.config().get("hidden_size").asInt(), bert.config().get("num_hidden_layers").asInt(),
                layerStart, weights);
        return dir;
    }

    private static void writeModules(Path dir, int hidden, int layers, int layerStart, float[] weights)
            throws IOException {
        ArrayNode modules = JSON.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        modules.addObject().put("idx", 1).put("name", "1").put("path", "1_WeightedLayerPooling")
                .put("type", "sentence_transformers.models.WeightedLayerPooling");
        modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        JSON.writeValue(dir.resolve("modules.json").toFile(), modules);
        Path wlp = Files.createDirectories(dir.resolve("1_WeightedLayerPooling"));
        JSON.writeValue(wlp.resolve("config.json").toFile(), JSON.createObjectNode()
                .put("word_embedding_dimension", hidden).put("layer_start", layerStart)
                .put("num_hidden_layers", layers));
        SafetensorsWriter.write(wlp.resolve("model.safetensors"),
                Map.of("layer_weights", new SafetensorsWriter.Entry(new long[] {weights.length}, weights)), DType.F32);
        Path pooling = Files.createDirectories(dir.resolve("2_Pooling"));
        JSON.writeValue(pooling.resolve("config.json").toFile(), JSON.createObjectNode()
                .put("word_embedding_dimension", hidden).put("pooling_mode_mean_tokens", true));
    }

    /**
     * Mean over each single row's tokens of BertEmbeddings' output, {@code LayerNorm(word[id] + position[t] +
     * token_type[0])}, in double precision from the checkpoint.
     */
    private static double[][] embeddingOutputMeans(ReferenceModels.Folder bert, ReferenceModels.Variant v) {
        SafetensorsFile w = SafetensorsFile.open(bert.path());
        int h = bert.config().get("hidden_size").asInt();
        float[] word = w.get("embeddings.word_embeddings.weight").toFloatArray();
        float[] pos = w.get("embeddings.position_embeddings.weight").toFloatArray();
        float[] type = w.get("embeddings.token_type_embeddings.weight").toFloatArray();
        float[] gamma = w.get("embeddings.LayerNorm.weight").toFloatArray();
        float[] beta = w.get("embeddings.LayerNorm.bias").toFloatArray();
        int seq = v.batch().seqLength();
        double[][] out = new double[SINGLE_ROWS.length][h];
        for (int i = 0; i < SINGLE_ROWS.length; i++) {
            int b = SINGLE_ROWS[i];
            int n = v.batch().lengths()[b];
            for (int t = 0; t < n; t++) {
                int id = (int) v.batch().inputIds()[b * seq + t];
                double[] x = new double[h];
                double mean = 0;
                for (int d = 0; d < h; d++) {
                    x[d] = (double) word[id * h + d] + pos[t * h + d] + type[d];
                    mean += x[d];
                }
                mean /= h;
                double var = 0;
                for (int d = 0; d < h; d++) {
                    var += (x[d] - mean) * (x[d] - mean);
                }
                double inv = 1 / Math.sqrt(var / h + 1e-12);
                for (int d = 0; d < h; d++) {
                    out[i][d] += ((x[d] - mean) * inv * gamma[d] + beta[d]) / n;
                }
            }
        }
        return out;
    }
}
