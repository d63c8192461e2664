package dev.st4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.st4j.SentenceTransformer;
import dev.st4j.internal.embedded.EmbeddedModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache is shared with Python: what st4j writes, huggingface_hub reads offline, and what huggingface_hub
 * downloads, st4j loads offline. Runs only where {@code python3} with huggingface_hub is installed.
 */
class PythonCacheInteropTest {
    static final String REPO = HubDownloadTest.REPO;
    static FakeHub hub;
    static String commit;

    @TempDir
    Path cache;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        assumeTrue(python("import huggingface_hub").exitCode == 0, "python3 with huggingface_hub is not installed");
        hub = new FakeHub("localhost");
        commit = hub.addCommit(REPO, FakeHub.readFolder(
                EmbeddedModels.materialize(EmbeddedModels.find(REPO).orElseThrow())), "main");
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    record Result(int exitCode, String output) {}

    static Result python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HF_") || k.equals("SENTENCE_TRANSFORMERS_HOME"));
        if (hub != null) {
            env.put("HF_ENDPOINT", hub.url());
        }
        env.put("HF_HUB_DISABLE_TELEMETRY", "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }

    @Test
    void pythonReadsWhatSt4jDownloadedWithoutNetwork() throws Exception {
        HubSettings s = HubSettings.resolve(cache, null, false, Environment.of(Map.of("HF_ENDPOINT", hub.url())))
                .withProgress(false).withNetworkPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5), 2,
                        Duration.ofMillis(10));
        Path folder = new HubDownloader(s).downloadModel(REPO, null, null, null);
        hub.clearRequests();

        Result r = python("""
                import sys
                from huggingface_hub import hf_hub_download
                for f in sys.argv[2:]:
                    print(hf_hub_download(repo_id="%s", filename=f, cache_dir=sys.argv[1], local_files_only=True))
                """.formatted(REPO), cache.toString(), "modules.json", "tokenizer.json", "1_Pooling/config.json",
                "onnx/model.onnx");

        assertEquals(0, r.exitCode(), r.output());
        assertEquals(List.of(folder.resolve("modules.json").toString(), folder.resolve("tokenizer.json").toString(),
                folder.resolve("1_Pooling/config.json").toString(), folder.resolve("onnx/model.onnx").toString()),
                r.output().strip().lines().toList());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void pythonUnderstandsSt4jsRefsAndAbsenceMarkers() throws Exception {
        String repo = "acme/no-st-config";
        Map<String, byte[]> files = new java.util.HashMap<>(FakeHub.readFolder(
                EmbeddedModels.materialize(EmbeddedModels.find(REPO).orElseThrow())));
        files.remove("config_sentence_transformers.json");
        String c = hub.addCommit(repo, files, "main");
        HubSettings s = HubSettings.resolve(cache, null, false, Environment.of(Map.of("HF_ENDPOINT", hub.url())))
                .withProgress(false);
        Path folder = new HubDownloader(s).downloadModel(repo, null, null, null);
        hub.clearRequests();

        Result r = python("""
                import sys
                from huggingface_hub import try_to_load_from_cache, snapshot_download
                from huggingface_hub.file_download import _CACHED_NO_EXIST
                print(try_to_load_from_cache("%s", "config_sentence_transformers.json", cache_dir=sys.argv[1])
                      is _CACHED_NO_EXIST)
                print(snapshot_download("%s", cache_dir=sys.argv[1], local_files_only=True))
                """.formatted(repo, repo), cache.toString());

        assertEquals(0, r.exitCode(), r.output());
        assertEquals(List.of("True", folder.toString()), r.output().strip().lines().toList());
        assertEquals(cache.resolve("models--acme--no-st-config/snapshots/" + c), folder);
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void st4jLoadsWhatPythonDownloadedWithoutNetwork() throws Exception {
        Result r = python("""
                import sys
                from huggingface_hub import hf_hub_download
                from huggingface_hub.errors import EntryNotFoundError
                for f in sys.argv[2:]:
                    try:
                        hf_hub_download(repo_id="%s", filename=f, cache_dir=sys.argv[1])
                    except EntryNotFoundError:
                        print("absent", f)
                """.formatted(REPO), cache.toString(), "modules.json", "config_sentence_transformers.json",
                "config.json", "sentence_bert_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "1_Pooling/config.json", "onnx/model.onnx", "model.safetensors");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("absent model.safetensors", r.output().strip());
        hub.clearRequests();

        HubSettings offline = HubSettings.resolve(cache, null, true, Environment.of(Map.of()));
        Path folder = new HubDownloader(offline).downloadModel(REPO, null, null, null);

        assertEquals(cache.resolve("models--sentence-transformers--all-MiniLM-L6-v2/snapshots/" + commit), folder);
        try (SentenceTransformer model = SentenceTransformer.load(folder)) {
            assertEquals(384, model.encode("hello").length);
        }
        assertEquals(List.of(), hub.requests());
    }
}
