package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The numbers sbert.net prints for all-MiniLM-L6-v2, and the reference test suite's fixture. */
class SeedExampleTest {
    static SentenceTransformer model;

    @BeforeAll
    static void load() {
        model = SentenceTransformer.load("all-MiniLM-L6-v2");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void computingEmbeddingsSeedMatrixIsReproducedToFourDecimals() {
        FloatMatrix emb = model.encode(List.of(
                "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."));
        assertArrayEquals(new int[] {3, 384}, emb.shape());
        float[][] expected = {{1.0000f, 0.6660f, 0.1046f}, {0.6660f, 1.0000f, 0.1411f}, {0.1046f, 0.1411f, 1.0000f}};
        FloatMatrix sim = model.similarity(emb, emb);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], sim.row(i), 1e-4f, "row " + i);
        }
    }

    @Test
    void referenceSuiteQueryDocumentFixture() {
        float[] q = model.encodeQuery("Which planet is known as the Red Planet?");
        FloatMatrix d = model.encodeDocument(List.of(
                "Venus is often called Earth's twin because of its similar size and proximity.",
                "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
                "Jupiter, the largest planet in our solar system, has a prominent red spot.",
                "Saturn, famous for its rings, is sometimes mistaken for the Red Planet."));
        assertArrayEquals(new float[] {0.46469f, 0.81146f, 0.72792f, 0.75019f}, model.similarity(q, d).row(0), 1e-4f);
    }

    @Test
    void maxSeqLengthComesFromSentenceBertConfigNotTheTokenizerFile() {
        assertEquals(256, model.getMaxSeqLength().getAsInt());
        assertEquals(384, model.getSentenceEmbeddingDimension());
    }
}
