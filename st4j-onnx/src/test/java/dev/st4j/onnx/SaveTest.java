package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import dev.st4j.St4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** save() writes the layout SPEC.md section 6 describes, and the saved folder loads to the same model. */
class SaveTest {
    static final List<String> TEXTS = List.of("The weather is lovely today.", "He drove to the stadium.");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void savedModelReloadsWithTheSameVectorsAndSettings() throws IOException {
        Path out = tmp.resolve("saved");
        FloatMatrix before;
        try (SentenceTransformer m = SentenceTransformer.load("all-MiniLM-L6-v2", LoadOptions.builder()
                .prompt("query", "query: ").similarityFunction(SimilarityFunction.DOT).build())) {
            m.setMaxSeqLength(200);
            before = m.encode(TEXTS);
            m.save(out);
        }
        JsonNode modules = JSON.readTree(out.resolve("modules.json").toFile());
        assertEquals("sentence_transformers.models.Transformer", modules.get(0).get("type").asText());
        assertEquals("", modules.get(0).get("path").asText());
        assertEquals("1_Pooling", modules.get(1).get("path").asText());
        assertEquals("sentence_transformers.models.Normalize", modules.get(2).get("type").asText());
        JsonNode st = JSON.readTree(out.resolve("config_sentence_transformers.json").toFile());
        assertEquals("dot", st.get("similarity_fn_name").asText());
        assertEquals("query: ", st.get("prompts").get("query").asText());
        assertEquals("", st.get("prompts").get("document").asText());
        assertTrue(st.get("default_prompt_name").isNull());
        JsonNode sbert = JSON.readTree(out.resolve("sentence_bert_config.json").toFile());
        assertEquals(200, sbert.get("max_seq_length").asInt());
        assertFalse(sbert.get("do_lower_case").asBoolean());
        JsonNode pooling = JSON.readTree(out.resolve("1_Pooling/config.json").toFile());
        assertTrue(pooling.get("pooling_mode_mean_tokens").asBoolean());
        assertFalse(pooling.get("pooling_mode_cls_token").asBoolean());
        assertEquals(384, pooling.get("word_embedding_dimension").asInt());
        assertTrue(Files.isRegularFile(out.resolve("onnx/model.onnx")));
        // Python's default (torch) backend needs safetensors weights: the embedded model's converted copy is saved
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.contains("library_name: sentence-transformers") && card.contains("384 dimensions"), card);
        assertTrue(Files.isDirectory(out.resolve("2_Normalize")));
        // Python writes module configs with an indent of 4 and modules.json with 2.
        assertTrue(Files.readString(out.resolve("1_Pooling/config.json")).contains("\n    \"word_embedding_dimension\": 384"));
        assertTrue(Files.readString(out.resolve("modules.json")).contains("\n  {\n    \"idx\": 0"));

        try (SentenceTransformer m = SentenceTransformer.load(out)) {
            assertEquals(200, m.getMaxSeqLength().getAsInt());
            assertEquals(SimilarityFunction.DOT, m.getSimilarityFunction());
            assertEquals("query: ", m.getPrompts().get("query"));
            assertArrayEquals(before.toRowMajorArray(), m.encode(TEXTS).toRowMajorArray(), 1e-6f);
        }
    }

    @Test
    void savingIntoAnExistingFolderKeepsItsOtherFilesAsPythonDoes() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "keep me");
        try (SentenceTransformer m = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            m.save(out);
            m.save(out); // saving twice over itself replaces the files in place
        }
        assertEquals("keep me", Files.readString(out.resolve("notes.txt")));
        try (var files = Files.walk(out)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".partial")).toList(),
                    "no temporary file is left behind");
        }
        try (SentenceTransformer m = SentenceTransformer.load(out)) {
            assertEquals(384, m.getEmbeddingDimension());
        }
    }

    @Test
    void aFileInTheWayIsATypedError() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        try (SentenceTransformer m = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            St4jException e = assertThrows(St4jException.class, () -> m.save(file));
            assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        }
        assertEquals("x", Files.readString(file));
    }
}
