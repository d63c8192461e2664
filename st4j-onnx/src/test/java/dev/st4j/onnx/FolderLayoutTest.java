package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local folders in the layouts that different sentence-transformers versions write load to the same model. */
class FolderLayoutTest {
    static final List<String> TEXTS = List.of("The weather is lovely today.", "He drove to the stadium.");
    static Path embedded;
    static FloatMatrix expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void reference() {
        try (SentenceTransformer m = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            embedded = m.folder();
            expected = m.encode(TEXTS);
        }
    }

    private Path copyOfEmbedded() throws IOException {
        Path dst = tmp.resolve("model");
        try (Stream<Path> walk = Files.walk(embedded)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = dst.resolve(embedded.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    // Large weights are linked, not copied: the layout is what is under test.
                    Files.createSymbolicLink(target, p);
                }
            }
        }
        return dst;
    }

    @Test
    void aLocalFolderWithTheHubLayoutLoadsLikeTheEmbeddedModel() throws IOException {
        Path dir = copyOfEmbedded();
        try (SentenceTransformer m = SentenceTransformer.load(dir.toString())) {
            assertArrayEquals(expected.toRowMajorArray(), m.encode(TEXTS).toRowMajorArray(), 1e-6f);
        }
    }

    @Test
    void newStyleTypeStringsAndPoolingModeKeyGiveTheSameModel() throws IOException {
        Path dir = copyOfEmbedded();
        Files.delete(dir.resolve("modules.json"));
        Files.writeString(dir.resolve("modules.json"), """
                [
                  {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"},
                  {"idx": 1, "name": "1", "path": "1_Pooling",
                   "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"},
                  {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.base.modules.normalize.Normalize"}
                ]""");
        Files.delete(dir.resolve("1_Pooling/config.json"));
        Files.writeString(dir.resolve("1_Pooling/config.json"),
                "{\"embedding_dimension\": 384, \"pooling_mode\": \"mean\", \"include_prompt\": true}");
        try (SentenceTransformer m = SentenceTransformer.load(dir, LoadOptions.builder().backend("onnx").build())) {
            assertArrayEquals(expected.toRowMajorArray(), m.encode(TEXTS).toRowMajorArray(), 1e-6f);
        }
    }

    @Test
    void withoutModulesJsonTheModelIsTransformerPlusMeanPooling() throws IOException {
        Path dir = copyOfEmbedded();
        Files.delete(dir.resolve("modules.json"));
        try (SentenceTransformer m = SentenceTransformer.load(dir)) {
            assertEquals(List.of("Transformer", "Pooling(mean)"),
                    m.describeModules().stream().map(s -> s.replaceAll("\\(max_seq.*", "")).toList());
            FloatMatrix raw = m.encode(TEXTS);
            // Same vectors as the full model before its Normalize module: not unit length, same direction.
            assertNotEquals(1.0, EncodeBehaviourTest.norm(raw.row(0)), 1e-3);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertArrayEquals(expected.row(i), OtherEmbeddedModelsTest.normalized(raw.row(i)), 1e-6f);
            }
        }
    }

    @Test
    void savedPromptsAndSimilarityAreReadAndCallerOptionsWin() throws IOException {
        Path dir = copyOfEmbedded();
        Files.delete(dir.resolve("config_sentence_transformers.json"));
        Files.writeString(dir.resolve("config_sentence_transformers.json"), """
                {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": null,
                 "similarity_fn_name": "dot", "truncate_dim": 64}""");
        try (SentenceTransformer m = SentenceTransformer.load(dir)) {
            assertEquals("query: ", m.getPrompts().get("query"));
            assertEquals("", m.getPrompts().get("document"));
            assertEquals("dot", m.getSimilarityFunction().pythonName());
            assertEquals(64, m.getSentenceEmbeddingDimension());
            // encodeDocument picks "document" (empty) before "passage", as in Python.
            assertArrayEquals(m.encode("Mars"), m.encodeDocument("Mars"), 1e-6f);
            assertArrayEquals(m.encode("query: Mars"), m.encodeQuery("Mars"), 1e-6f);
        }
        try (SentenceTransformer m = SentenceTransformer.load(dir, LoadOptions.builder().prompt("query", "")
                .similarityFunction(dev.st4j.SimilarityFunction.COSINE).truncateDim(32).build())) {
            assertEquals("", m.getPrompts().get("query"));
            assertEquals("cosine", m.getSimilarityFunction().pythonName());
            assertEquals(32, m.getSentenceEmbeddingDimension());
        }
    }

    @Test
    void anOnnxFileUnderAnotherNameIsFoundWhenNamedAndListedWhenNot() throws IOException {
        Path dir = copyOfEmbedded();
        Files.move(dir.resolve("onnx/model.onnx"), dir.resolve("onnx/model_O1.onnx"));
        dev.st4j.St4jException e = org.junit.jupiter.api.Assertions.assertThrows(dev.st4j.St4jException.class,
                () -> SentenceTransformer.load(dir, LoadOptions.builder().backend("onnx").build()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("onnx/model_O1.onnx"), e.getMessage());
        for (String name : List.of("model_O1.onnx", "onnx/model_O1.onnx")) {
            try (SentenceTransformer m = SentenceTransformer.load(dir, LoadOptions.builder().onnxFileName(name).build())) {
                assertArrayEquals(expected.toRowMajorArray(), m.encode(TEXTS).toRowMajorArray(), 1e-6f);
            }
        }
    }
}
