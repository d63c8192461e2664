package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.engine.fixtures.RealWeights;
import dev.st4j.internal.safetensors.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The numbers sbert.net prints for all-MiniLM-L6-v2 (seed 000) and the reference test suite's query/document
 * fixture, once, on every backend: ONNX Runtime on the embedded model, the Java engine on its real safetensors.
 */
class SeedExampleTest {
    static final Map<String, SentenceTransformer> MODELS = new HashMap<>();

    static SentenceTransformer model(String backend) {
        return MODELS.computeIfAbsent(backend, b -> b.equals("onnx")
                ? SentenceTransformer.load("all-MiniLM-L6-v2", LoadOptions.builder().backend("onnx").build())
                : SentenceTransformer.load(RealWeights.safetensorsFolder("sentence-transformers/all-MiniLM-L6-v2",
                        DType.F32), LoadOptions.builder().backend("java").threads(2).build()));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(SentenceTransformer::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "java"})
    void runsOnTheBackendAskedFor(String backend) {
        assertTrue(model(backend).describeBackend().startsWith(backend), model(backend).describeBackend());
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "java"})
    void computingEmbeddingsSeedMatrixIsReproducedToFourDecimals(String backend) {
        SentenceTransformer model = model(backend);
        FloatMatrix emb = model.encode(List.of(
                "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."));
        assertArrayEquals(new int[] {3, 384}, emb.shape());
        float[][] expected = {{1.0000f, 0.6660f, 0.1046f}, {0.6660f, 1.0000f, 0.1411f}, {0.1046f, 0.1411f, 1.0000f}};
        FloatMatrix sim = model.similarity(emb, emb);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], sim.row(i), 1e-4f, "row " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "java"})
    void referenceSuiteQueryDocumentFixture(String backend) {
        SentenceTransformer model = model(backend);
        float[] q = model.encodeQuery("Which planet is known as the Red Planet?");
        FloatMatrix d = model.encodeDocument(List.of(
                "Venus is often called Earth's twin because of its similar size and proximity.",
                "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
                "Jupiter, the largest planet in our solar system, has a prominent red spot.",
                "Saturn, famous for its rings, is sometimes mistaken for the Red Planet."));
        assertArrayEquals(new float[] {0.46469f, 0.81146f, 0.72792f, 0.75019f}, model.similarity(q, d).row(0), 1e-4f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "java"})
    void maxSeqLengthComesFromSentenceBertConfigNotTheTokenizerFile(String backend) {
        assertEquals(256, model(backend).getMaxSeqLength().getAsInt());
        assertEquals(384, model(backend).getEmbeddingDimension());
    }
}
