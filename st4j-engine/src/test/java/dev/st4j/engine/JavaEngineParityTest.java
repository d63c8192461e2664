package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.engine.fixtures.RealWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default path for an embedded model (the Java engine, on the safetensors st4j converts from the model's ONNX
 * export) agrees with ONNX Runtime running that export, on 560 real texts (the first 500 of the throughput corpus plus its 60 longest, some over 256 tokens).
 */
@Tag("slow")
class JavaEngineParityTest {

    static List<String> corpus() throws IOException {
        try (InputStream in = JavaEngineParityTest.class.getResourceAsStream("parity_corpus.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sentence-transformers/all-MiniLM-L6-v2", "BAAI/bge-small-en-v1.5", "intfloat/e5-small-v2"})
    void sentenceAndTokenEmbeddingsMatchOnnxRuntime(String id) throws IOException {
        List<String> texts = corpus();
        assertTrue(texts.size() >= 500);
        EncodeOptions options = EncodeOptions.defaults();
        try (SentenceTransformer onnx = SentenceTransformer.load(RealWeights.folder(id),
                        LoadOptions.builder().backend("onnx").threads(2).build());
                SentenceTransformer java = SentenceTransformer.load(id)) {
            // The default path: the embedded model by name, no backend asked for, runs on the Java engine.
            assertTrue(java.describeBackend().startsWith("java (BERT, "), java.describeBackend());
            FloatMatrix expected = onnx.encode(texts, options);
            FloatMatrix actual = java.encode(texts, options);
            assertEquals(expected.rows(), actual.rows());
            double sentenceDiff = maxAbsDiff(expected, actual);
            assertTrue(sentenceDiff <= 1e-5, id + ": sentence embeddings differ by " + sentenceDiff);

            List<FloatMatrix> expectedTokens = onnx.encodeTokens(texts, options);
            List<FloatMatrix> actualTokens = java.encodeTokens(texts, options);
            double tokenDiff = 0;
            int longest = 0;
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(expectedTokens.get(i).rows(), actualTokens.get(i).rows());
                tokenDiff = Math.max(tokenDiff, maxAbsDiff(expectedTokens.get(i), actualTokens.get(i)));
                longest = Math.max(longest, actualTokens.get(i).rows());
            }
            assertTrue(tokenDiff <= 1e-4, id + ": token embeddings differ by " + tokenDiff);
            assertTrue(longest >= Math.min(257, java.getMaxSeqLength().getAsInt()), "longest text has " + longest + " tokens");
            System.out.printf("%s: max |diff| sentence %.2e, token %.2e, longest %d tokens%n", id, sentenceDiff,
                    tokenDiff, longest);
        }
    }

    static double maxAbsDiff(FloatMatrix a, FloatMatrix b) {
        double max = 0;
        for (int r = 0; r < a.rows(); r++) {
            float[] x = a.row(r);
            float[] y = b.row(r);
            assertEquals(x.length, y.length);
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
