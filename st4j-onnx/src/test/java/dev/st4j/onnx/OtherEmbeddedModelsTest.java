package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bge-small-en-v1.5 and e5-small-v2 load offline by their hub ids. The pooled vectors are checked against the raw
 * ONNX Runtime token outputs: bge must take the [CLS] token, e5 the mean over real tokens.
 */
class OtherEmbeddedModelsTest {
    static final List<String> TEXTS = List.of("The weather is lovely today.", "It's so sunny outside!",
            "He drove to the stadium.", "A considerably longer sentence, so that batches need some padding here.");

    @Test
    void bgePoolsTheClsTokenAndNormalizes() {
        try (SentenceTransformer model = SentenceTransformer.load("BAAI/bge-small-en-v1.5")) {
            assertEquals(384, model.getSentenceEmbeddingDimension());
            assertEquals(512, model.getMaxSeqLength().getAsInt());
            FloatMatrix emb = model.encode(TEXTS);
            List<FloatMatrix> tokens = model.encodeTokens(TEXTS, EncodeOptions.defaults());
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(1.0, EncodeBehaviourTest.norm(emb.row(i)), 1e-5);
                assertArrayEquals(normalized(tokens.get(i).row(0)), emb.row(i), 1e-6f);
            }
        }
    }

    @Test
    void e5PoolsTheMeanAndNormalizes() {
        try (SentenceTransformer model = SentenceTransformer.load("intfloat/e5-small-v2")) {
            assertEquals(384, model.getSentenceEmbeddingDimension());
            assertEquals(512, model.getMaxSeqLength().getAsInt());
            FloatMatrix emb = model.encode(TEXTS);
            List<FloatMatrix> tokens = model.encodeTokens(TEXTS, EncodeOptions.defaults());
            for (int i = 0; i < TEXTS.size(); i++) {
                FloatMatrix t = tokens.get(i);
                float[] mean = new float[t.cols()];
                for (int r = 0; r < t.rows(); r++) {
                    for (int c = 0; c < t.cols(); c++) {
                        mean[c] += t.get(r, c) / t.rows();
                    }
                }
                assertArrayEquals(normalized(mean), emb.row(i), 1e-5f);
            }
            // The hub config defines no prompts; the model card's "query: " prefix is the caller's to pass.
            assertEquals("", model.getPrompts().get("query"));
            assertArrayEquals(model.encode("query: how much protein"),
                    model.encode("how much protein", EncodeOptions.builder().prompt("query: ").build()), 1e-6f);
        }
    }

    @Test
    void tokenEmbeddingsHaveOneRowPerRealToken() {
        try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            List<FloatMatrix> tokens = model.encodeTokens(TEXTS, EncodeOptions.builder().batchSize(2).build());
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(model.tokens(TEXTS.get(i)).size(), tokens.get(i).rows());
                assertEquals(384, tokens.get(i).cols());
            }
            assertTrue(tokens.get(3).rows() > tokens.get(0).rows());
        }
    }

    static float[] normalized(float[] v) {
        double n = EncodeBehaviourTest.norm(v);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }
}
