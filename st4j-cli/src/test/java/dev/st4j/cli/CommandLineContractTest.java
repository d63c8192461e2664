package dev.st4j.cli;

import static dev.st4j.cli.CommandLineTest.SEED;
import static dev.st4j.cli.CommandLineTest.SEED_MATRIX;
import static dev.st4j.cli.CommandLineTest.numbers;
import static dev.st4j.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.SimilarityFunction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI modes of issue 8, against the numbers sbert.net prints for all-MiniLM-L6-v2 and each other. */
class CommandLineContractTest {
    @TempDir
    Path tmp;

    static FloatMatrix matrix(String jsonl) {
        String[] lines = jsonl.strip().split("\n");
        float[][] rows = new float[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            rows[i] = numbers(lines[i]);
        }
        return FloatMatrix.of(rows);
    }

    @Test
    void aSavedEmbeddedModelEncodesLikeTheEmbeddedOne() throws IOException {
        Path dir = tmp.resolve("minilm");
        CommandLineTest.Run saved = run("save", "all-MiniLM-L6-v2", dir.toString());
        assertEquals(0, saved.exit(), saved.err());
        assertTrue(Files.isRegularFile(dir.resolve("modules.json")) && Files.isRegularFile(dir.resolve("README.md")));
        CommandLineTest.Run fromDir = run("encode", "--model", dir.toString(), "--format", "jsonl", SEED[0], SEED[1],
                SEED[2]);
        CommandLineTest.Run embedded = run("encode", "--format", "jsonl", SEED[0], SEED[1], SEED[2]);
        assertEquals(0, fromDir.exit(), fromDir.err());
        FloatMatrix a = matrix(fromDir.out());
        assertArrayEquals(matrix(embedded.out()).toRowMajorArray(), a.toRowMajorArray(), 1e-6f);
        FloatMatrix sim = SimilarityFunction.COSINE.similarity(a, a);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(SEED_MATRIX[i], sim.row(i), 1e-4f);
        }
    }

    /** An older hub layout: the saved model with vocab.txt instead of tokenizer.json encodes exactly the same. */
    @Test
    void aModelFolderWithOnlyVocabTxtEncodesLikeItsTokenizerJson() throws IOException {
        Path dir = tmp.resolve("minilm-slow");
        assertEquals(0, run("save", "all-MiniLM-L6-v2", dir.toString()).exit());
        com.fasterxml.jackson.databind.JsonNode vocab = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("tokenizer.json").toFile()).path("model").path("vocab");
        String[] byId = new String[vocab.size()];
        vocab.fields().forEachRemaining(e -> byId[e.getValue().asInt()] = e.getKey());
        Files.writeString(dir.resolve("vocab.txt"), String.join("\n", byId) + "\n");
        String[] texts = {SEED[0], "Caf\u00e9 na\u00efve \u4e2d\u6587 \uD83D\uDE00 don't", "x ".repeat(400)};
        FloatMatrix fast = matrix(run("encode", "--model", dir.toString(), "--format", "jsonl", texts[0], texts[1],
                texts[2]).out());
        Files.delete(dir.resolve("tokenizer.json"));
        CommandLineTest.Run slow = run("encode", "--model", dir.toString(), "--format", "jsonl", texts[0], texts[1],
                texts[2]);
        assertEquals(0, slow.exit(), slow.err());
        assertArrayEquals(fast.toRowMajorArray(), matrix(slow.out()).toRowMajorArray(), 1e-6f);
    }

    @Test
    void queryAndDocumentApplyTheModelsPromptsAsPythonDoes() throws IOException {
        Path prompts = Files.writeString(tmp.resolve("prompts.json"), "{\"query\": \"query: \", \"passage\": \"p: \"}");
        String text = "Which planet is known as the Red Planet?";
        FloatMatrix query = matrix(run("encode", "--format", "jsonl", "--prompts-file", prompts.toString(), "--query",
                text).out());
        FloatMatrix prompted = matrix(run("encode", "--format", "jsonl", "--prompt", "query: ", text).out());
        FloatMatrix plain = matrix(run("encode", "--format", "jsonl", text).out());
        assertArrayEquals(prompted.toRowMajorArray(), query.toRowMajorArray(), 1e-6f);
        assertFalse(java.util.Arrays.equals(prompted.toRowMajorArray(), plain.toRowMajorArray()));
        // "document" is always a prompt name (empty here), so --document never reaches "passage" (SPEC 2.2)
        FloatMatrix document = matrix(run("encode", "--format", "jsonl", "--prompts-file", prompts.toString(),
                "--document", text).out());
        assertArrayEquals(plain.toRowMajorArray(), document.toRowMajorArray(), 1e-6f);
        FloatMatrix byDefault = matrix(run("encode", "--format", "jsonl", "--prompts-file", prompts.toString(),
                "--default-prompt-name", "query", text).out());
        assertArrayEquals(prompted.toRowMajorArray(), byDefault.toRowMajorArray(), 1e-6f);
        CommandLineTest.Run bad = run("encode", "--default-prompt-name", "nope", text);
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("'nope'"), bad.err());
    }

    @Test
    void tokenEmbeddingsAreOneMatrixPerLine() {
        CommandLineTest.Run r = run("encode", "--output-value", "token_embeddings", "--format", "jsonl", SEED[0], "a");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        // [CLS] the weather is lovely today . [SEP] and [CLS] a [SEP]
        assertEquals(8 * 384, numbers(lines[0]).length);
        assertEquals(3 * 384, numbers(lines[1]).length);
        assertTrue(lines[1].startsWith("[[") && lines[1].endsWith("]]"), lines[1].substring(0, 20));
    }

    @Test
    void pairwiseSimilarityScoresConsecutivePairs() {
        CommandLineTest.Run r = run("similarity", "--pairwise", SEED[0], SEED[1], SEED[0], SEED[2]);
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(new float[] {SEED_MATRIX[0][1], SEED_MATRIX[0][2]}, numbers(r.out()), 1e-4f);
        assertEquals(2, run("similarity", "--pairwise", "a", "b", "c").exit());
    }

    @Test
    void theTokenIsNeverPrinted() {
        CommandLineTest.Run r = run("info", "--token", "hf_secretsecret");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("hf_secret") || r.err().contains("hf_secret"));
    }

    @Test
    void invalidUtf8OnStandardInputNamesTheLineUnlessReplacementIsAsked() {
        byte[] input = {'o', 'k', '\n', 'b', 'a', (byte) 0xC3, 'd', '\n'};
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input));
            CommandLineTest.Run r = run("encode", "--format", "jsonl");
            assertEquals(2, r.exit());
            assertTrue(r.err().contains("line 2") && r.err().contains("--replace-invalid-utf8"), r.err());
            System.setIn(new ByteArrayInputStream(input));
            CommandLineTest.Run replaced = run("encode", "--format", "jsonl", "--replace-invalid-utf8");
            assertEquals(0, replaced.exit(), replaced.err());
            assertEquals(2, replaced.out().strip().split("\n").length);
        } finally {
            System.setIn(saved);
        }
    }
}
