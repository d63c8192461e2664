package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.internal.embedded.EmbeddedModels;
import dev.st4j.hub.Environment;
import dev.st4j.hub.FakeHub;
import dev.st4j.hub.ModelNotCachedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link SentenceTransformer#load} picks a local folder, an embedded model or the hub (SPEC 1.2). */
class HubNameResolutionTest {
    static final String REPO = "sentence-transformers/all-MiniLM-L6-v2";
    /** Not embedded: the same files, under another name. */
    static final String HUB_ONLY = "sentence-transformers/hub-only-MiniLM";
    static FakeHub hub;
    static String commit;
    static String hubOnlyCommit;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startHub() throws IOException {
        hub = new FakeHub();
        Map<String, byte[]> files = FakeHub.readFolder(
                EmbeddedModels.materialize(EmbeddedModels.find(REPO).orElseThrow()));
        commit = hub.addCommit(REPO, files, "main");
        hubOnlyCommit = hub.addCommit(HUB_ONLY, files, "main");
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @BeforeEach
    void clearLog() {
        hub.clearRequests();
    }

    Environment env(String... extra) {
        Map<String, String> vars = new java.util.HashMap<>(Map.of("HF_ENDPOINT", hub.url(),
                "HF_HUB_CACHE", tmp.resolve("hf-cache").toString(), "HOME", tmp.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            vars.put(extra[i], extra[i + 1]);
        }
        return Environment.of(vars);
    }

    @Test
    void aShortNameGoesToTheHubUnderTheSentenceTransformersOrganisation() {
        Path folder = ModelLocator.locate("hub-only-MiniLM", LoadOptions.defaults(), env());

        assertEquals(tmp.resolve("hf-cache/models--sentence-transformers--hub-only-MiniLM/snapshots/"
                + hubOnlyCommit), folder);
        try (SentenceTransformer model = SentenceTransformer.load(folder)) {
            assertEquals(384, model.getSentenceEmbeddingDimension());
        }
    }

    @Test
    void anEmbeddedModelAnswersWithoutNetworkWhenNoRevisionIsNamed() {
        // Neither a cache folder nor HF_ENDPOINT (often set once for a mirror) bypasses the embedded copy.
        Path folder = ModelLocator.locate("all-MiniLM-L6-v2", LoadOptions.builder().cacheFolder(tmp).build(), env());

        assertTrue(folder.startsWith(EmbeddedModels.st4jHome()), folder.toString());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aRevisionBypassesTheEmbeddedCopy() {
        Path folder = ModelLocator.locate(REPO, LoadOptions.builder().revision("main").build(), env());

        assertTrue(folder.endsWith(Path.of("snapshots", commit)), folder.toString());
    }

    @Test
    void theJavaEngineIsServedByTheEmbeddedCopyFromItsConvertedWeights() {
        // The jar ships ONNX weights only; unpacking converts them to model.safetensors, so no hub is needed.
        Path folder = ModelLocator.locate(REPO, LoadOptions.builder().backend("java").build(), env());

        assertTrue(folder.startsWith(EmbeddedModels.st4jHome()), folder.toString());
        assertTrue(Files.isRegularFile(folder.resolve("model.safetensors")), folder.toString());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void theCacheFolderOptionWinsOverTheEnvironment() {
        Path chosen = tmp.resolve("chosen");
        Path folder = ModelLocator.locate(HUB_ONLY, LoadOptions.builder().cacheFolder(chosen).build(),
                env("SENTENCE_TRANSFORMERS_HOME", tmp.resolve("st-home").toString()));

        assertTrue(folder.startsWith(chosen), folder.toString());
    }

    @Test
    void sentenceTransformersHomeWinsOverHfHubCache() {
        Path folder = ModelLocator.locate(HUB_ONLY, LoadOptions.defaults(),
                env("SENTENCE_TRANSFORMERS_HOME", tmp.resolve("st-home").toString()));

        assertTrue(folder.startsWith(tmp.resolve("st-home")), folder.toString());
    }

    @Test
    void localFilesOnlyNeverAsksTheHub() {
        ModelNotCachedException e = assertThrows(ModelNotCachedException.class, () -> ModelLocator.locate(HUB_ONLY,
                LoadOptions.builder().localFilesOnly(true).build(), env()));

        assertTrue(e.getMessage().contains("st4j download " + HUB_ONLY), e.getMessage());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void anExistingLocalFolderWinsOverTheHub() throws IOException {
        Path local = Files.createDirectories(tmp.resolve("all-MiniLM-L6-v2"));

        assertEquals(local, ModelLocator.locate(local.toString(), LoadOptions.defaults(), env()));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aNameWithTwoSlashesIsNotAHubId() {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                () -> ModelLocator.locate("a/b/c", LoadOptions.defaults(), env()));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertEquals(List.of(), hub.requests());
    }
}
