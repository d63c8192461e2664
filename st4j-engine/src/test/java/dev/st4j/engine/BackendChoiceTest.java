package dev.st4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.engine.fixtures.RealWeights;
import dev.st4j.hub.Environment;
import dev.st4j.hub.FakeHub;
import dev.st4j.hub.HubDownloader;
import dev.st4j.hub.HubSettings;
import dev.st4j.internal.backends.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which backend runs a folder when both are installed, as here: the engine when it runs the architecture, else
 * ONNX Runtime; and what the errors tell a library caller.
 */
class BackendChoiceTest {
    static final List<String> SEED = List.of("The weather is lovely today.", "It's so sunny outside!",
            "He drove to the stadium.");
    /** sbert.net's printed similarity matrix for all-MiniLM-L6-v2. */
    static final float[][] SEED_MATRIX = {{1.0000f, 0.6660f, 0.1046f}, {0.6660f, 1.0000f, 0.1411f},
        {0.1046f, 0.1411f, 1.0000f}};
    static final BackendOptions OPTIONS = new BackendOptions(1, null);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static JsonNode config(String modelType) {
        return JSON.createObjectNode().put("model_type", modelType);
    }

    /**
     * A folder laid out as the hub's all-mpnet-base-v2 (config.json of {@code modelType}, model.safetensors,
     * onnx/model.onnx): the ONNX export and tokenizer are all-MiniLM-L6-v2's, so its vectors are known from
     * sbert.net; the safetensors file is the shared reference MPNet checkpoint, which must not be picked.
     */
    static Path hubLayout(Path dir, String modelType, boolean withOnnx) throws IOException {
        Path source = RealWeights.folder("sentence-transformers/all-MiniLM-L6-v2");
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = source.relativize(p).toString();
                if (rel.endsWith(".onnx") && !withOnnx || rel.equals("model.safetensors")) {
                    continue;
                }
                Path target = dir.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, p);
            }
        }
        Files.delete(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), Files.readString(source.resolve("config.json"))
                .replace("\"model_type\": \"bert\"", "\"model_type\": \"" + modelType + "\""));
        Path mpnet = Path.of(System.getProperty("st4j.shared.data"), "reference-models", "mpnet", "model.safetensors");
        Files.createSymbolicLink(dir.resolve("model.safetensors"), mpnet);
        return dir;
    }

    /** Architectures of the hub-layout acceptance case that the engine does not run (yet). */
    static List<String> notRunByTheEngine() {
        List<String> out = Stream.of("mpnet", "deberta-v2")
                .filter(t -> !new JavaEngineProvider().supports(config(t), OPTIONS).runs()).toList();
        assertFalse(out.isEmpty());
        return out;
    }

    @Test
    void aHubLayoutTheEngineDoesNotRunLoadsByDefaultThroughOnnxRuntime() throws IOException {
        for (String type : notRunByTheEngine()) {
            Path dir = hubLayout(tmp.resolve(type), type, true);
            try (SentenceTransformer m = SentenceTransformer.load(dir)) {
                assertTrue(m.describeBackend().startsWith("onnx (onnx/model.onnx"), m.describeBackend());
                FloatMatrix e = m.encode(SEED);
                FloatMatrix sim = m.similarity(e, e);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(SEED_MATRIX[i], sim.row(i), 1e-4f, type);
                }
            }
        }
    }

    @Test
    void aSettingTheEngineRefusesFallsBackToTheOnnxExportAndIsNamedWhenTheEngineIsAskedFor() throws IOException {
        Path dir = hubLayout(tmp.resolve("relative"), "bert", true);
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"position_embedding_type\": \"absolute\"",
                "\"position_embedding_type\": \"relative_key\""));
        try (SentenceTransformer m = SentenceTransformer.load(dir)) {
            assertTrue(m.describeBackend().startsWith("onnx"), m.describeBackend());
            FloatMatrix e = m.encode(SEED);
            assertArrayEquals(SEED_MATRIX[0], m.similarity(e, e).row(0), 1e-4f);
        }
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(dir, LoadOptions.builder().backend("java").build()));
        assertTrue(e.getMessage().contains("position_embedding_type") && e.getMessage().contains("relative_key"),
                e.getMessage());
    }

    /**
     * The hub repository of a BERT with {@code relative_key} positions (config.json, model.safetensors,
     * onnx/model.onnx): the engine's {@code supports(config)} refuses the setting before any weights are fetched,
     * so the default choice downloads the ONNX export only and loads it with ONNX Runtime, as {@code --backend
     * onnx} would; asking for the engine names the setting.
     */
    @Test
    void aHubBertWithRelativeKeyPositionsFetchesAndRunsItsOnnxExportByDefault() throws IOException {
        Path dir = hubLayout(tmp.resolve("relative-hub"), "bert", true);
        String config = Files.readString(dir.resolve("config.json"));
        Files.delete(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"position_embedding_type\": \"absolute\"",
                "\"position_embedding_type\": \"relative_key\""));
        assertTrue(new JavaEngineProvider().supports(JSON.readTree(dir.resolve("config.json").toFile()), OPTIONS)
                .refusal().contains("relative_key"));
        try (FakeHub hub = new FakeHub()) {
            hub.addCommit("acme/relative-bert", FakeHub.readFolder(dir), "main");
            HubSettings settings = HubSettings.resolve(null, null, false, Environment.of(Map.of(
                    "HF_HUB_CACHE", tmp.resolve("hub-cache").toString(), "HF_ENDPOINT", hub.url(),
                    "HOME", tmp.toString()))).withProgress(false);
            Path snapshot = new HubDownloader(settings).downloadModel("acme/relative-bert", null, null, null);
            // LFS content comes from the CDN by hash; the resolve requests (HEAD and GET) name the files.
            List<String> fetched = hub.requests().stream().map(FakeHub.Request::path)
                    .filter(p -> p.contains("/resolve/")).toList();
            assertTrue(fetched.stream().anyMatch(p -> p.endsWith("/onnx/model.onnx")), fetched.toString());
            assertFalse(fetched.stream().anyMatch(p -> p.endsWith("/model.safetensors")), fetched.toString());
            assertFalse(Files.exists(snapshot.resolve("model.safetensors")));
            try (SentenceTransformer m = SentenceTransformer.load(snapshot)) {
                assertTrue(m.describeBackend().startsWith("onnx (onnx/model.onnx"), m.describeBackend());
                FloatMatrix e = m.encode(SEED);
                assertArrayEquals(SEED_MATRIX[0], m.similarity(e, e).row(0), 1e-4f);
            }
        }
    }

    @Test
    void theEngineIsChosenForWhatItRunsAndOnnxRuntimeForTheRest() {
        List<BackendProvider> installed = Backends.available();
        assertEquals(List.of("java", "onnx"), installed.stream().map(BackendProvider::name).toList());
        Set<String> both = Set.of("config.json", "model.safetensors", "onnx/model.onnx", "onnx/model_O4.onnx",
                "pytorch_model.bin");
        Backends.Choice bert = Backends.choose(installed, null, config("bert"), both, OPTIONS, "m");
        assertEquals("java", bert.provider().name());
        assertEquals(List.of("model.safetensors"), bert.weightFiles());
        for (String type : notRunByTheEngine()) {
            Backends.Choice other = Backends.choose(installed, null, config(type), both, OPTIONS, "m");
            assertEquals("onnx", other.provider().name());
            assertEquals(List.of("onnx/model.onnx"), other.weightFiles());
        }
        // A BERT checkpoint without safetensors, and a named ONNX file, go to ONNX Runtime too.
        assertEquals(List.of("onnx/model.onnx"), Backends.choose(installed, null, config("bert"),
                Set.of("onnx/model.onnx"), OPTIONS, "m").weightFiles());
        assertEquals(List.of("onnx/model_O4.onnx"), Backends.choose(installed, null, config("bert"), both,
                new BackendOptions(1, "model_O4.onnx"), "m").weightFiles());
        // A sharded checkpoint starts from its index.
        assertEquals(List.of("model.safetensors.index.json"), Backends.choose(installed, "java", config("bert"),
                Set.of("model.safetensors.index.json", "model-00001-of-00002.safetensors"), OPTIONS, "m")
                .weightFiles());
    }

    @Test
    void askingForTheEngineOnAnArchitectureItDoesNotRunNamesItsTypesAndTheBuilderCall() throws IOException {
        String type = notRunByTheEngine().get(0);
        Path dir = hubLayout(tmp.resolve("m"), type, true);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(dir, LoadOptions.builder().backend("java").build()));
        assertTrue(e.getMessage().contains("model_type '" + type + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("it runs " + JavaEngineProvider.SUPPORTED),
                e.getMessage());
        assertTrue(e.getMessage().contains("LoadOptions.builder().backend(\"onnx\")"), e.getMessage());
        assertFalse(e.getMessage().contains("--backend"), e.getMessage());
    }

    @Test
    void withoutAnOnnxExportTheErrorNamesTheArchitectureTheFilesAndWhatWouldLoadIt() throws IOException {
        String type = notRunByTheEngine().get(0);
        Path dir = hubLayout(tmp.resolve("m"), type, false);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(dir));
        String message = e.getMessage();
        assertTrue(message.contains("model_type '" + type + "'"), message);
        assertTrue(message.contains("model.safetensors") && message.contains("tokenizer.json"), message);
        assertTrue(message.contains("java: the Java engine does not run") && message.contains("onnx: no ONNX export"),
                message);
        assertTrue(message.contains("export the model to ONNX"), message);
    }

    @Test
    void anUnknownBackendNameListsTheInstalledOnes() throws IOException {
        Path dir = hubLayout(tmp.resolve("m"), "bert", true);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(dir, LoadOptions.builder().backend("tensorrt").build()));
        assertTrue(e.getMessage().contains("'tensorrt'") && e.getMessage().contains("[java, onnx]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder().backend(" ").build());
    }
}
