package dev.st4j;

import static dev.st4j.testing.TestModels.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GloVe-style average word embedding layout (WordEmbeddings + WordWeights + Pooling), plus LayerNorm, on a
 * model written here, against numbers computed by hand.
 */
class WordEmbeddingsTest {
    static final List<String> VOCAB = List.of("PADDING_TOKEN", "the", "cat", "sat", "mat");
    static final float[][] TABLE = {{0, 0}, {1, 1}, {2, 0}, {0, 2}, {4, 4}};

    @TempDir
    Path tmp;

    Path model(boolean layerNorm) {
        Path root = tmp.resolve(layerNorm ? "glove-ln" : "glove");
        Path we = root.resolve("0_WordEmbeddings");
        TestModels.writeJson(we.resolve("wordembedding_config.json"), JSON.createObjectNode()
                .put("tokenizer_class", "sentence_transformers.models.tokenizer.WhitespaceTokenizer.WhitespaceTokenizer")
                .put("update_embeddings", false).put("max_seq_length", 1000000));
        ObjectNode tok = JSON.createObjectNode();
        VOCAB.forEach(tok.putArray("vocab")::add);
        tok.putArray("stop_words").add("the");
        tok.put("do_lower_case", false);
        TestModels.writeJson(we.resolve("whitespacetokenizer_config.json"), tok);
        TestModels.safetensors(we.resolve("model.safetensors"), Map.of("emb_layer.weight", TABLE));
        ObjectNode ww = JSON.createObjectNode();
        VOCAB.forEach(ww.putArray("vocab")::add);
        ww.putObject("word_weights").put("cat", 3).put("sat", 1);
        ww.put("unknown_word_weight", 0.5);
        TestModels.writeJson(root.resolve("1_WordWeights/config.json"), ww);
        TestModels.writeJson(root.resolve("2_Pooling/config.json"), JSON.createObjectNode()
                .put("word_embedding_dimension", 2).put("pooling_mode_mean_tokens", true));
        if (layerNorm) {
            TestModels.writeJson(root.resolve("3_LayerNorm/config.json"), JSON.createObjectNode().put("dimension", 2));
            TestModels.safetensors(root.resolve("3_LayerNorm/model.safetensors"),
                    Map.of("norm.weight", new float[] {1, 2}, "norm.bias", new float[] {0, 1}));
            TestModels.modules(root, "0_WordEmbeddings", "sentence_transformers.models.WordEmbeddings",
                    "1_WordWeights", "sentence_transformers.models.WordWeights", "2_Pooling",
                    "sentence_transformers.models.Pooling", "3_LayerNorm", "sentence_transformers.models.LayerNorm");
        } else {
            TestModels.modules(root, "0_WordEmbeddings", "sentence_transformers.models.WordEmbeddings",
                    "1_WordWeights", "sentence_transformers.models.WordWeights", "2_Pooling",
                    "sentence_transformers.models.Pooling");
        }
        return root;
    }

    /**
     * "The cat sat, on the MAT.": "The" is lowercased to the stop word "the"; "sat," loses its comma; "on" is
     * unknown; "MAT." becomes "mat". Words cat, sat, mat weigh 3, 1, 0.5 (mat is unweighted): sum [6,0] + [0,2] +
     * [2,2] = [8, 4] over weight 4.5.
     */
    static final float[] WEIGHTED_MEAN = {8 / 4.5f, 4 / 4.5f};

    @Test
    void wordWeightsAndWhitespaceTokenizationMatchHandComputedValues() {
        try (SentenceTransformer m = SentenceTransformer.load(model(false))) {
            assertArrayEquals(WEIGHTED_MEAN, m.encode("The cat sat, on the MAT."), 1e-6f);
            assertArrayEquals(new float[] {0, 0}, m.encode("the on"), 0f, "no known word: a zero vector");
            assertEquals(List.of("cat", "sat", "mat"), m.tokens("The cat sat, on the MAT."));
        }
    }

    @Test
    void layerNormNormalizesTheSentenceEmbedding() {
        double mean = (WEIGHTED_MEAN[0] + WEIGHTED_MEAN[1]) / 2.0;
        double var = (Math.pow(WEIGHTED_MEAN[0] - mean, 2) + Math.pow(WEIGHTED_MEAN[1] - mean, 2)) / 2;
        double inv = 1 / Math.sqrt(var + 1e-5);
        float[] expected = {(float) ((WEIGHTED_MEAN[0] - mean) * inv), (float) ((WEIGHTED_MEAN[1] - mean) * inv * 2 + 1)};
        try (SentenceTransformer m = SentenceTransformer.load(model(true))) {
            assertArrayEquals(expected, m.encode("The cat sat, on the MAT."), 1e-5f);
            Path out = tmp.resolve("saved");
            m.save(out);
            try (SentenceTransformer again = SentenceTransformer.load(out)) {
                assertArrayEquals(expected, again.encode("The cat sat, on the MAT."), 1e-5f);
            }
        }
    }

    @Test
    void refusedModulesAreNamed() {
        Path root = tmp.resolve("cnn");
        TestModels.modules(root, "0_WordEmbeddings", "sentence_transformers.models.WordEmbeddings", "1_CNN",
                "sentence_transformers.models.CNN");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(root));
        assertTrue(e.getMessage().contains("CNN"), e.getMessage());
    }
}
