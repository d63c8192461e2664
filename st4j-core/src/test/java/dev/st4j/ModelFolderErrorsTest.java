package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken model folders fail with a typed error that names the file and the problem, before any weights load. */
class ModelFolderErrorsTest {
    @TempDir
    Path dir;

    private void modules(String typeAndPath) throws IOException {
        Files.writeString(dir.resolve("modules.json"), "[{\"idx\": 0, \"name\": \"0\", " + typeAndPath + "}]");
    }

    @Test
    void modulePathEscapingTheFolderIsRefused() throws IOException {
        modules("\"path\": \"../elsewhere\", \"type\": \"sentence_transformers.models.Transformer\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertEquals("modules.json", e.file().getFileName().toString());
        assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
    }

    @Test
    void absoluteModulePathIsRefused() throws IOException {
        modules("\"path\": \"/etc\", \"type\": \"sentence_transformers.models.Transformer\"");
        assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
    }

    @Test
    void customCodeModuleIsRefusedWithTheReason() throws IOException {
        modules("\"path\": \"\", \"type\": \"my_package.custom.FancyEncoder\"");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("never runs code from a model folder"), e.getMessage());
        assertTrue(e.getMessage().contains("trust_remote_code"), e.getMessage());
    }

    @Test
    void unknownSentenceTransformersTypeIsRefused() throws IOException {
        modules("\"path\": \"\", \"type\": \"sentence_transformers.models.Bogus\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("not a sentence-transformers module"), e.getMessage());
    }

    @Test
    void bothTypeStringLayoutsAreRecognised() throws IOException {
        // The new-style type string is understood (and reaches the Transformer, which then needs config.json).
        modules("\"path\": \"\", \"type\": \"sentence_transformers.base.modules.transformer.Transformer\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertEquals("config.json", e.file().getFileName().toString());
    }

    @Test
    void malformedModulesJsonNamesTheFile() throws IOException {
        Files.writeString(dir.resolve("modules.json"), "[{\"idx\": 0,");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertEquals("modules.json", e.file().getFileName().toString());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void missingConfigJsonIsNamed() throws IOException {
        modules("\"path\": \"\", \"type\": \"sentence_transformers.models.Transformer\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertEquals("config.json", e.file().getFileName().toString());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void missingTokenizerJsonIsNamed() throws IOException {
        modules("\"path\": \"\", \"type\": \"sentence_transformers.models.Transformer\"");
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 8, \"max_position_embeddings\": 16}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertEquals("tokenizer.json", e.file().getFileName().toString());
    }

    @Test
    void malformedPoolingConfigIsNamedBeforeAnythingRuns() throws IOException {
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Pooling"}]""");
        Files.writeString(dir.resolve("config.json"), "not json");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertEquals("config.json", e.file().getFileName().toString());
    }

    @Test
    void aFileIsNotAModelFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("model.onnx"), "x");
        assertThrows(ModelNotFoundException.class, () -> SentenceTransformer.load(file.toString()));
    }

    @Test
    void nullNameIsAnArgumentError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentenceTransformer.load((String) null));
        assertTrue(e.getMessage().contains("nameOrPath"));
    }

    @Test
    void unknownModelNamesWhatWasTried(@TempDir Path cache) {
        // Offline, so the name goes to the (empty) hub cache and never to the network.
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                () -> SentenceTransformer.load("no-such-model-xyz",
                        LoadOptions.builder().cacheFolder(cache).localFilesOnly(true).build()));
        assertTrue(e.getMessage().contains("sentence-transformers/no-such-model-xyz"), e.getMessage());
    }
}
