package dev.st4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings resolve from arguments and variables in huggingface_hub's and sentence-transformers' order. */
class HubSettingsTest {
    @TempDir
    Path home;

    HubSettings resolve(Map<String, String> vars) {
        return resolve(null, null, false, vars);
    }

    HubSettings resolve(Path cacheFolder, String token, boolean localOnly, Map<String, String> vars) {
        Map<String, String> all = new java.util.HashMap<>(vars);
        all.put("HOME", home.toString());
        return HubSettings.resolve(cacheFolder, token, localOnly, Environment.of(all));
    }

    @Test
    void theCacheDefaultsToTheUsersHuggingfaceHubFolder() {
        assertEquals(home.resolve(".cache/huggingface/hub"), resolve(Map.of()).cacheRoot());
        assertEquals(Path.of("/x/huggingface/hub"), resolve(Map.of("XDG_CACHE_HOME", "/x")).cacheRoot());
        assertEquals(Path.of("/h/hub"), resolve(Map.of("HF_HOME", "/h", "XDG_CACHE_HOME", "/x")).cacheRoot());
    }

    @Test
    void theCacheFolderPrecedenceIsArgumentThenSentenceTransformersHomeThenHfHubCacheThenHfHome() {
        Map<String, String> all = Map.of("SENTENCE_TRANSFORMERS_HOME", "/st", "HF_HUB_CACHE", "/hc", "HF_HOME", "/h");
        assertEquals(Path.of("/arg"), resolve(Path.of("/arg"), null, false, all).cacheRoot());
        assertEquals(Path.of("/st"), resolve(all).cacheRoot());
        assertEquals(Path.of("/hc"), resolve(Map.of("HF_HUB_CACHE", "/hc", "HF_HOME", "/h")).cacheRoot());
        assertEquals(Path.of("/old"), resolve(Map.of("HUGGINGFACE_HUB_CACHE", "/old")).cacheRoot());
        assertEquals(home.resolve("c"), resolve(Map.of("HF_HUB_CACHE", "~/c")).cacheRoot());
    }

    @Test
    void theTokenPrecedenceIsArgumentThenHfTokenThenTheTokenFile() throws IOException {
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_file\n");
        Files.writeString(home.resolve("other-token"), "hf_other");

        assertEquals("hf_arg", resolve(null, "hf_arg", false, Map.of("HF_TOKEN", "hf_env")).token());
        assertEquals("hf_env", resolve(Map.of("HF_TOKEN", "hf_env")).token());
        assertEquals("hf_file", resolve(Map.of()).token());
        assertEquals("hf_other", resolve(Map.of("HF_TOKEN_PATH", home.resolve("other-token").toString())).token());
        assertNull(resolve(Map.of("HF_TOKEN_PATH", home.resolve("missing").toString())).token());
    }

    @Test
    void offlineFollowsLocalFilesOnlyAndTheVariablesTrueValues() {
        assertTrue(resolve(null, null, true, Map.of()).offline());
        for (String yes : new String[] {"1", "ON", "yes", "True"}) {
            assertTrue(resolve(Map.of("HF_HUB_OFFLINE", yes)).offline(), yes);
        }
        assertFalse(resolve(Map.of("HF_HUB_OFFLINE", "0")).offline());
        assertTrue(resolve(Map.of("TRANSFORMERS_OFFLINE", "1")).offline());
        assertFalse(resolve(Map.of()).offline());
    }

    @Test
    void theEndpointComesFromHfEndpointWithoutATrailingSlash() {
        assertEquals("https://huggingface.co", resolve(Map.of()).endpoint());
        assertEquals("https://hf-mirror.example",
                resolve(Map.of("HF_ENDPOINT", "https://hf-mirror.example/")).endpoint());
    }

    @Test
    void timeoutsFollowHuggingfaceHubsVariables() {
        assertEquals(java.time.Duration.ofSeconds(10), resolve(Map.of()).connectTimeout());
        HubSettings s = resolve(Map.of("HF_HUB_ETAG_TIMEOUT", "2.5", "HF_HUB_DOWNLOAD_TIMEOUT", "60"));
        assertEquals(java.time.Duration.ofMillis(2500), s.connectTimeout());
        assertEquals(java.time.Duration.ofSeconds(60), s.readTimeout());
    }

    @Test
    void theTokenNeverAppearsInToString() {
        assertFalse(resolve(null, "hf_secret", false, Map.of()).toString().contains("hf_secret"));
    }
}
