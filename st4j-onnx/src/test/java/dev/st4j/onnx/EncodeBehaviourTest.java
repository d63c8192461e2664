package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** encode() semantics on the embedded all-MiniLM-L6-v2: batching, order, truncation, prompts, bad input. */
class EncodeBehaviourTest {
    /** Words that are one WordPiece token each in the uncased BERT vocabulary. */
    static final String[] WORDS = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "house", "red"};

    static SentenceTransformer model;

    @BeforeAll
    static void load() {
        model = SentenceTransformer.load("sentence-transformers/all-MiniLM-L6-v2");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A text of exactly {@code n} word tokens (n + 2 with [CLS] and [SEP]). */
    static String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[(i * 7 + i / 12) % WORDS.length]);
        }
        return sb.toString();
    }

    static List<String> mixedTexts() {
        List<String> texts = new ArrayList<>(List.of("", "A man is eating food.", "A man is riding a horse.",
                "Ünïcödé, émojis 🙂 and CJK 中文 too", "short", words(300), words(150), words(40)));
        Random r = new Random(7);
        for (int i = 0; i < 40; i++) {
            texts.add(words(1 + r.nextInt(60)));
        }
        return texts;
    }

    static float maxAbsDiff(FloatMatrix a, FloatMatrix b) {
        assertArrayEquals(a.shape(), b.shape());
        float max = 0;
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                max = Math.max(max, Math.abs(a.get(r, c) - b.get(r, c)));
            }
        }
        return max;
    }

    @Test
    void resultsDoNotDependOnBatchSize() {
        List<String> texts = mixedTexts();
        FloatMatrix b1 = model.encode(texts, EncodeOptions.builder().batchSize(1).build());
        FloatMatrix b7 = model.encode(texts, EncodeOptions.builder().batchSize(7).build());
        FloatMatrix b32 = model.encode(texts, EncodeOptions.builder().batchSize(32).build());
        assertTrue(maxAbsDiff(b1, b7) <= 1e-6f, "batch 1 vs 7: " + maxAbsDiff(b1, b7));
        assertTrue(maxAbsDiff(b1, b32) <= 1e-6f, "batch 1 vs 32: " + maxAbsDiff(b1, b32));
    }

    @Test
    void rowsFollowTheCallersOrder() {
        List<String> texts = mixedTexts();
        FloatMatrix base = model.encode(texts);
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, new Random(42));
        List<String> shuffled = perm.stream().map(texts::get).toList();
        FloatMatrix out = model.encode(shuffled);
        for (int i = 0; i < perm.size(); i++) {
            assertArrayEquals(base.row(perm.get(i)), out.row(i), 1e-6f, "row " + i);
        }
    }

    @Test
    void singleTextEqualsItsRowInABatch() {
        List<String> texts = mixedTexts();
        assertArrayEquals(model.encode(texts).row(3), model.encode(texts.get(3)), 1e-6f);
    }

    @Test
    void twoHundredTokensAreNotCutAt128() {
        String text = words(198);
        assertEquals(200, model.tokenize(List.of(text)).lengths()[0]);
        // Had the tokenizer file's own limit of 128 applied, the result would equal the 126-word prefix.
        float[] full = model.encode(text);
        float[] prefix = model.encode(words(126));
        assertTrue(maxDiff(full, prefix) > 1e-3f, "200-token input was cut at 128");
    }

    @Test
    void fourHundredTokensAreCutAt256() {
        assertEquals(256, model.tokenize(List.of(words(398))).lengths()[0]);
        assertArrayEquals(model.encode(words(254)), model.encode(words(398)), 1e-6f);
    }

    @Test
    void maxSeqLengthCanBeSetTo200() {
        try (SentenceTransformer m = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            m.setMaxSeqLength(200);
            assertEquals(200, m.getMaxSeqLength().getAsInt());
            assertEquals(200, m.tokenize(List.of(words(398))).lengths()[0]);
            assertArrayEquals(m.encode(words(198)), m.encode(words(398)), 1e-6f);
        }
    }

    @Test
    void emptyStringEncodesTheSpecialTokensOnly() {
        assertEquals(List.of("[CLS]", "[SEP]"), model.tokens(""));
        float[] v = model.encode("");
        assertEquals(384, v.length);
        assertEquals(1.0, norm(v), 1e-5);
    }

    @Test
    void emptyListGivesAnEmptyResult() {
        FloatMatrix m = model.encode(List.of());
        assertEquals(0, m.rows());
    }

    @Test
    void nullsAreArgumentErrorsNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.encode((List<String>) null));
        assertTrue(e.getMessage().contains("texts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.encode(Arrays.asList("a", null)));
        assertTrue(e.getMessage().contains("texts[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.encode((String) null));
        assertTrue(e.getMessage().contains("text"), e.getMessage());
    }

    @Test
    void promptIsPlainConcatenation() {
        String text = "Which planet is known as the Red Planet?";
        float[] withPrompt = model.encode(text, EncodeOptions.builder().prompt("query: ").build());
        assertArrayEquals(model.encode("query: " + text), withPrompt, 1e-6f);
        assertTrue(maxDiff(withPrompt, model.encode(text)) > 1e-3f);
    }

    @Test
    void unknownPromptNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.encode("x", EncodeOptions.builder().promptName("passage").build()));
        assertEquals("Prompt name 'passage' not found in the configured prompts dictionary with keys "
                + "[query, document]", e.getMessage());
    }

    @Test
    void truncateDimKeepsTheFirstDimensionsAndNormalizesAfter() {
        String text = "The weather is lovely today.";
        float[] full = model.encode(text);
        float[] cut = model.encode(text, EncodeOptions.builder().truncateDim(128).build());
        assertArrayEquals(Arrays.copyOf(full, 128), cut, 1e-6f);
        float[] cutNorm = model.encode(text,
                EncodeOptions.builder().truncateDim(128).normalizeEmbeddings(true).build());
        assertEquals(1.0, norm(cutNorm), 1e-5);
        assertEquals(384, model.encode(text, EncodeOptions.builder().truncateDim(1000).build()).length);
    }

    @Test
    void concurrentCallsGetTheSameVectorsAsSequentialOnes() throws Exception {
        List<String> texts = mixedTexts();
        FloatMatrix expected = model.encode(texts);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<FloatMatrix>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> model.encode(texts, EncodeOptions.builder().batchSize(5).build())));
            }
            for (var f : results) {
                assertTrue(maxAbsDiff(expected, f.get()) <= 1e-6f);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void batchSizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().batchSize(0).build());
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static float maxDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
