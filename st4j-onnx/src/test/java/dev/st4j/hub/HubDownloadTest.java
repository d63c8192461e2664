package dev.st4j.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.ModelNotFoundException;
import dev.st4j.SentenceTransformer;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.Device;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.internal.embedded.EmbeddedModels;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading all-MiniLM-L6-v2 from a hub on 127.0.0.1 that serves the embedded copy's files with huggingface.co's
 * headers: what is requested, what the cache holds, and how failures read.
 */
class HubDownloadTest {
    static final String REPO = "sentence-transformers/all-MiniLM-L6-v2";
    static final String ONNX = "onnx/model.onnx";
    /** What a sentence-transformers load with the ONNX backend needs from this repository, and nothing more. */
    static final Set<String> NEEDED = Set.of("modules.json", "config_sentence_transformers.json", "config.json",
            "sentence_bert_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "1_Pooling/config.json", ONNX);

    static FakeHub hub;
    static Map<String, byte[]> files;
    static String mainCommit;
    static String v1Commit;

    @TempDir
    Path cache;

    @BeforeAll
    static void startHub() throws IOException {
        Path embedded = EmbeddedModels.materialize(EmbeddedModels.find(REPO).orElseThrow());
        files = new HashMap<>(FakeHub.readFolder(embedded));
        // Files a real repository has that a Java ONNX load must not fetch.
        files.put("pytorch_model.bin", new byte[4096]);
        files.put("onnx/model_qint8_avx512.onnx", new byte[2048]);
        files.put("README.md", "# all-MiniLM-L6-v2\n".getBytes(StandardCharsets.UTF_8));
        hub = new FakeHub();
        // Tag v1: an older commit whose pooling takes the CLS token instead of the mean.
        Map<String, byte[]> older = new HashMap<>(files);
        older.put("1_Pooling/config.json", ("{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true, "
                + "\"pooling_mode_mean_tokens\": false}").getBytes(StandardCharsets.UTF_8));
        v1Commit = hub.addCommit(REPO, older, "v1");
        mainCommit = hub.addCommit(REPO, files, "main");
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @BeforeEach
    void clearLog() {
        hub.clearRequests();
    }

    HubSettings settings() {
        return HubSettings.resolve(null, null, false, Environment.of(Map.of(
                        "HF_HUB_CACHE", cache.toString(), "HF_ENDPOINT", hub.url(), "HOME", cache.toString())))
                .withProgress(false)
                .withNetworkPolicy(Duration.ofSeconds(2), Duration.ofSeconds(3), 3, Duration.ofMillis(10));
    }

    Path download(HubSettings s, String revision) {
        return new HubDownloader(s).downloadModel(REPO, revision, null, null);
    }

    /** A downloader choosing weights as if the pure-Java engine were installed beside ONNX Runtime. */
    static HubDownloader withEngine(HubSettings s) {
        return new HubDownloader(s, List.of(new EngineStandIn(), new dev.st4j.onnx.OnnxBackendProvider()));
    }

    Path repoFolder() {
        return cache.resolve("models--sentence-transformers--all-MiniLM-L6-v2");
    }

    /** The repository paths whose content was sent, from the request log. */
    static Set<String> contentDownloads(List<FakeHub.Request> log) {
        Set<String> out = new TreeSet<>();
        for (FakeHub.Request r : log) {
            if (r.isContent()) {
                out.add(r.path().startsWith("/cdn/") ? "cdn:" + r.path().substring(5) : r.path()
                        .substring(r.path().indexOf("/resolve/") + "/resolve/".length() + 41));
            }
        }
        return out;
    }

    static Set<String> blobs(Path repoFolder) throws IOException {
        try (Stream<Path> s = Files.list(repoFolder.resolve("blobs"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void firstLoadDownloadsOnlyWhatTheModelNeedsIntoThePythonLayout() throws IOException {
        Path folder = download(settings(), null);

        assertEquals(repoFolder().resolve("snapshots").resolve(mainCommit), folder);
        Set<String> expected = NEEDED.stream().filter(f -> !f.equals(ONNX))
                .collect(Collectors.toCollection(TreeSet::new));
        expected.add("cdn:" + FakeHub.sha256(files.get(ONNX)));
        assertEquals(expected, contentDownloads(hub.requests()));
        assertEquals(mainCommit, Files.readString(repoFolder().resolve("refs/main")));
        for (String f : NEEDED) {
            Path pointer = folder.resolve(f);
            assertTrue(Files.isSymbolicLink(pointer), f);
            Path target = Files.readSymbolicLink(pointer);
            assertFalse(target.isAbsolute(), "relative link, as huggingface_hub writes: " + target);
            String etag = FakeHub.isLfs(f) ? FakeHub.sha256(files.get(f)) : FakeHub.gitBlobId(files.get(f));
            assertEquals(repoFolder().resolve("blobs").resolve(etag), pointer.getParent().resolve(target).normalize());
            assertArrayEquals(files.get(f), Files.readAllBytes(pointer), f);
        }
        assertEquals(NEEDED.size(), blobs(repoFolder()).size(), "one blob per file, no leftovers");
        assertFalse(Files.exists(folder.resolve("pytorch_model.bin")));
    }

    @Test
    void secondLoadAsksOnlyForTheCommitAndDownloadsNothing() {
        Path first = download(settings(), null);
        hub.clearRequests();

        Path second = download(settings(), null);

        assertEquals(first, second);
        List<FakeHub.Request> log = hub.requests();
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).path().startsWith("/api/models/" + REPO + "/revision/main"), log.toString());
    }

    @Test
    void offlineUsesTheCacheWithoutAnyRequest() {
        Path online = download(settings(), null);
        hub.clearRequests();

        assertEquals(online, download(settings().withOffline(true), null));
        HubSettings viaVariable = HubSettings.resolve(null, null, false, Environment.of(Map.of(
                "HF_HUB_CACHE", cache.toString(), "HF_ENDPOINT", hub.url(), "HF_HUB_OFFLINE", "1")));
        assertEquals(online, download(viaVariable, null));
        assertEquals(online, download(viaVariable, mainCommit));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void anUnreachableHubFallsBackToACompleteCachedSnapshotAtOnce() throws IOException {
        Path online = download(settings(), null);
        String deadEndpoint;
        try (FakeHub gone = new FakeHub()) {
            deadEndpoint = gone.url();
        }
        HubSettings unreachable = settings().withEndpoint(deadEndpoint)
                .withNetworkPolicy(Duration.ofSeconds(2), Duration.ofSeconds(3), 5, Duration.ofSeconds(1));

        assertEquals(online, download(unreachable, null));

        HubException e = assertThrows(HubException.class,
                () -> new HubDownloader(unreachable).downloadModel("acme/never-downloaded", null, null, null));
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertTrue(e.getMessage().contains("st4j download acme/never-downloaded"), e.getMessage());
    }

    @Test
    void offlineWithAnEmptyCacheListsTheMissingFilesAndTheFix() {
        ModelNotCachedException e = assertThrows(ModelNotCachedException.class,
                () -> download(settings().withOffline(true), null));

        assertTrue(e.getMessage().contains("st4j download " + REPO), e.getMessage());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        assertTrue(e.missingFiles().contains("tokenizer.json"), e.missingFiles().toString());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aCacheLaidOutByHandAsHuggingfaceHubDoesLoadsWithoutNetwork() throws IOException {
        // What Python leaves behind: blobs named by ETag, a ref, snapshot symlinks, and .no_exist markers.
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repo = repoFolder();
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        for (String f : NEEDED) {
            String etag = FakeHub.isLfs(f) ? FakeHub.sha256(files.get(f)) : FakeHub.gitBlobId(files.get(f));
            Path blob = repo.resolve("blobs").resolve(etag);
            Files.createDirectories(blob.getParent());
            Files.write(blob, files.get(f));
            Path pointer = repo.resolve("snapshots").resolve(commit).resolve(f);
            Files.createDirectories(pointer.getParent());
            Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        }
        Files.createDirectories(repo.resolve(".no_exist").resolve(commit));
        Files.createFile(repo.resolve(".no_exist").resolve(commit).resolve("README.md"));

        Path folder = download(settings().withOffline(true), null);

        assertEquals(repo.resolve("snapshots").resolve(commit), folder);
        assertEquals(List.of(), hub.requests());
        try (SentenceTransformer model = SentenceTransformer.load(folder)) {
            assertEquals(384, model.encode("hello").length);
        }
    }

    @Test
    void anInterruptedDownloadResumesWithRangeAndYieldsAVerifiedBlob() throws IOException {
        byte[] onnx = files.get(ONNX);
        hub.cutNextDownloadAfter(onnx, 10_000_000);

        Path folder = download(settings(), null);

        List<FakeHub.Request> cdn = hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertEquals(2, cdn.size(), cdn.toString());
        assertEquals(null, cdn.get(0).range());
        assertEquals("bytes=10000000-", cdn.get(1).range());
        assertEquals(FakeHub.sha256(onnx), FakeHub.sha256(Files.readAllBytes(folder.resolve(ONNX))));
    }

    @Test
    void aStalledDownloadTimesOutAndResumes() throws IOException {
        byte[] onnx = files.get(ONNX);
        hub.stallNextDownloadAfter(onnx, 3_000_000, 4_000);
        HubSettings impatient = settings().withNetworkPolicy(Duration.ofSeconds(2), Duration.ofMillis(800), 3,
                Duration.ofMillis(10));

        Path folder = download(impatient, null);

        List<FakeHub.Request> cdn = hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertEquals(2, cdn.size(), cdn.toString());
        assertTrue(cdn.get(1).range() != null && cdn.get(1).range().startsWith("bytes="), cdn.toString());
        assertArrayEquals(onnx, Files.readAllBytes(folder.resolve(ONNX)));
    }

    @Test
    void aPartialBlobLeftByAnEarlierProcessIsResumed() throws IOException {
        byte[] onnx = files.get(ONNX);
        Path partial = repoFolder().resolve("blobs").resolve(FakeHub.sha256(onnx) + ".incomplete");
        Files.createDirectories(partial.getParent());
        Files.write(partial, java.util.Arrays.copyOf(onnx, 5_000_000));

        Path folder = download(settings(), null);

        List<FakeHub.Request> cdn = hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertEquals(1, cdn.size(), cdn.toString());
        assertEquals("bytes=5000000-", cdn.get(0).range());
        assertArrayEquals(onnx, Files.readAllBytes(folder.resolve(ONNX)));
        assertFalse(Files.exists(partial));
    }

    @Test
    void twoConcurrentLoadsShareOneBlobPerFile() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        Callable<Path> load = () -> {
            start.await();
            return download(settings(), null);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Path> a = pool.submit(load);
            Future<Path> b = pool.submit(load);
            start.countDown();
            assertEquals(a.get(), b.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(NEEDED.size(), blobs(repoFolder()).size(), blobs(repoFolder()).toString());
        long onnxDownloads = hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).count();
        assertEquals(1, onnxDownloads, "the second loader waits for the first one's blob");
    }

    @Test
    void twoProcessesLoadingAtOnceShareOneBlobPerFile() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<Process> processes = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    DownloadInAnotherProcess.class.getName(), cache.toString(), hub.url(), REPO)
                    .redirectErrorStream(true).start());
        }
        Set<String> printed = new TreeSet<>();
        for (Process p : processes) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            printed.add(out.lines().reduce((a, b) -> b).orElse(""));
        }
        assertEquals(Set.of(repoFolder().resolve("snapshots").resolve(mainCommit).toString()), printed);
        assertEquals(NEEDED.size(), blobs(repoFolder()).size(), blobs(repoFolder()).toString());
        assertEquals(1, hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).count());
    }

    @Test
    void aDamagedBlobInTheCacheIsReplacedBeforeANewSnapshotLinksIt() throws IOException {
        Path latest = download(settings(), null);
        Path blob = latest.resolve(ONNX).toRealPath();
        byte[] damaged = Files.readAllBytes(blob);
        damaged[1000] ^= 1;
        Files.write(blob, damaged);
        hub.clearRequests();

        Path tagged = download(settings(), "v1");

        assertArrayEquals(files.get(ONNX), Files.readAllBytes(tagged.resolve(ONNX)));
        assertEquals(1, hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).count());
    }

    @Test
    void aRevisionPinsItsOwnSnapshot() throws IOException {
        Path tagged = download(settings(), "v1");
        Path byCommit = download(settings(), v1Commit);
        Path latest = download(settings(), null);

        assertEquals(repoFolder().resolve("snapshots").resolve(v1Commit), tagged);
        assertEquals(tagged, byCommit);
        assertEquals(repoFolder().resolve("snapshots").resolve(mainCommit), latest);
        assertTrue(Files.readString(tagged.resolve("1_Pooling/config.json"))
                .contains("\"pooling_mode_cls_token\": true"));
        assertTrue(Files.readString(latest.resolve("1_Pooling/config.json"))
                .contains("\"pooling_mode_mean_tokens\": true"));
        assertEquals(v1Commit, Files.readString(repoFolder().resolve("refs/v1")));
        // The weights are the same in both commits: one blob serves both snapshots.
        assertEquals(Files.readSymbolicLink(tagged.resolve(ONNX)), Files.readSymbolicLink(latest.resolve(ONNX)));
        long onnxDownloads = hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).count();
        assertEquals(1, onnxDownloads);
    }

    @Test
    void aCommitAlreadyCachedNeedsNoRequestEvenOnline() {
        download(settings(), null);
        hub.clearRequests();

        download(settings(), mainCommit);

        assertEquals(List.of(), hub.requests());
    }

    static String module(int idx, String path, String type) {
        return "{\"idx\":" + idx + ",\"name\":\"" + idx + "\",\"path\":\"" + path
                + "\",\"type\":\"sentence_transformers.models." + type + "\"}";
    }

    @Test
    void shardedSafetensorsBringEveryShardAndModuleFoldersBringTheirOwnFiles() throws IOException {
        String repo = "acme/sharded";
        String modules = "[" + module(0, "", "Transformer") + "," + module(1, "1_Pooling", "Pooling") + ","
                + module(2, "2_Dense", "Dense") + "]";
        String index = "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
                + "\"b\":\"model-00002-of-00002.safetensors\",\"c\":\"model-00001-of-00002.safetensors\"}}";
        Map<String, byte[]> repoFiles = new HashMap<>();
        for (String f : List.of("tokenizer.json", "1_Pooling/config.json", "2_Dense/config.json")) {
            repoFiles.put(f, "{}".getBytes(StandardCharsets.UTF_8));
        }
        repoFiles.put("config.json", "{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8));
        repoFiles.put("modules.json", modules.getBytes(StandardCharsets.UTF_8));
        repoFiles.put("model.safetensors.index.json", index.getBytes(StandardCharsets.UTF_8));
        repoFiles.put("model-00001-of-00002.safetensors", new byte[] {1, 2, 3});
        repoFiles.put("model-00002-of-00002.safetensors", new byte[] {4, 5, 6});
        repoFiles.put("2_Dense/model.safetensors", new byte[] {7, 8});
        repoFiles.put("2_Dense/pytorch_model.bin", new byte[] {9});
        repoFiles.put("pytorch_model.bin", new byte[] {10});
        repoFiles.put("onnx/model.onnx", new byte[] {11});
        String commit = hub.addCommit(repo, repoFiles, "main");

        Path folder = withEngine(settings()).downloadModel(repo, null, "java", null);

        Set<String> fetched = new TreeSet<>();
        for (String f : repoFiles.keySet()) {
            if (Files.isRegularFile(folder.resolve(f))) {
                fetched.add(f);
            }
        }
        assertEquals(new TreeSet<>(List.of("modules.json", "config.json", "tokenizer.json", "1_Pooling/config.json",
                "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "2_Dense/config.json", "2_Dense/model.safetensors")), fetched);
        Path noExist = cache.resolve("models--acme--sharded/.no_exist").resolve(commit);
        assertTrue(Files.exists(noExist.resolve("sentence_bert_config.json")));
        assertTrue(Files.exists(noExist.resolve("config_sentence_transformers.json")));
        hub.clearRequests();
        assertEquals(folder, withEngine(settings().withOffline(true)).downloadModel(repo, null, "java", null));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aStaticEmbeddingModelSavedInTheRootFolderLoadsFromTheHub() throws IOException {
        // The table row i is [i, 2i, 1], so "hello world" (ids 7592 and 2088) embeds to their mean.
        int vocab = 30522;
        float[] table = new float[vocab * 3];
        for (int i = 0; i < vocab; i++) {
            table[3 * i] = i;
            table[3 * i + 1] = 2 * i;
            table[3 * i + 2] = 1;
        }
        Path weights = cache.resolve("static.safetensors");
        SafetensorsWriter.write(weights,
                Map.of("embedding.weight", new SafetensorsWriter.Entry(new long[] {vocab, 3}, table)), DType.F32);
        Map<String, byte[]> repoFiles = new HashMap<>(Map.of(
                "modules.json", ("[" + module(0, "", "StaticEmbedding") + "]").getBytes(StandardCharsets.UTF_8),
                "tokenizer.json", files.get("tokenizer.json"),
                "model.safetensors", Files.readAllBytes(weights),
                "README.md", new byte[] {1}));
        hub.addCommit("acme/static", repoFiles, "main");

        Path folder = new HubDownloader(settings()).downloadModel("acme/static", null, null, null);

        assertFalse(Files.exists(folder.resolve("README.md")));
        try (SentenceTransformer m = SentenceTransformer.load(folder)) {
            assertArrayEquals(new float[] {(7592 + 2088) / 2f, 7592 + 2088, 1}, m.encode("hello world"), 1e-3f);
        }
        assertEquals(folder, new HubDownloader(settings().withOffline(true)).downloadModel("acme/static", null, null,
                null));
    }

    @Test
    void anUnknownRepositoryIsNotFoundAndNamesTheEndpoint() {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class,
                () -> new HubDownloader(settings()).downloadModel("acme/no-such-model", null, null, null));
        assertTrue(e.getMessage().contains("acme/no-such-model"), e.getMessage());
        assertTrue(e.getMessage().contains(hub.url()), e.getMessage());
    }

    @Test
    void anUnknownRevisionIsNotFound() {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> download(settings(), "v9"));
        assertTrue(e.getMessage().contains("'v9'"), e.getMessage());
    }

    @Test
    void aPrivateRepositoryAsksForATokenAndNeverPrintsIt() {
        String repo = "acme/private-minilm";
        hub.addCommit(repo, files, "main");
        hub.requireToken(repo, "hf_right");

        HubAccessDeniedException none = assertThrows(HubAccessDeniedException.class,
                () -> new HubDownloader(settings()).downloadModel(repo, null, null, null));
        assertTrue(none.getMessage().contains("HF_TOKEN"), none.getMessage());
        assertTrue(none.getMessage().contains("401"), none.getMessage());

        HubAccessDeniedException wrong = assertThrows(HubAccessDeniedException.class,
                () -> new HubDownloader(settings().withToken("hf_wrong_secret")).downloadModel(repo, null, null, null));
        assertTrue(wrong.getMessage().contains("lacks access"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("hf_wrong_secret"));
        assertFalse(settings().withToken("hf_wrong_secret").toString().contains("hf_wrong_secret"));

        hub.clearRequests();
        Path folder = new HubDownloader(settings().withToken("hf_right")).downloadModel(repo, null, null, null);
        assertTrue(Files.isRegularFile(folder.resolve(ONNX)));
        assertTrue(hub.requests().stream().filter(r -> !r.path().startsWith("/cdn/"))
                .allMatch(r -> "Bearer hf_right".equals(r.authorization())), hub.requests().toString());
    }

    @Test
    void theTokenDoesNotFollowARedirectToAnotherHost() throws IOException {
        assumeTrue(java.net.InetAddress.getByName("localhost").isLoopbackAddress(), "localhost is not loopback");
        try (FakeHub withCdn = new FakeHub("localhost")) {
            withCdn.addCommit(REPO, files, "main");
            HubSettings s = settings().withEndpoint(withCdn.url()).withToken("hf_secret");

            new HubDownloader(s).downloadModel(REPO, null, null, null);

            List<FakeHub.Request> cdn = withCdn.requests().stream().filter(r -> r.path().startsWith("/cdn/"))
                    .toList();
            assertEquals(1, cdn.size(), withCdn.requests().toString());
            assertEquals(null, cdn.get(0).authorization(), "the pre-signed CDN URL gets no token");
        }
    }

    @Test
    void theTokenComesFromTheTokenFileWhenNoVariableIsSet() throws IOException {
        Path home = cache.resolve("hf-home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("token"), "hf_from_file\n");
        HubSettings s = HubSettings.resolve(null, null, false, Environment.of(Map.of("HF_HOME", home.toString())));
        assertEquals("hf_from_file", s.token());
        assertEquals(home.resolve("hub"), s.cacheRoot());
    }

    @Test
    void aCorruptedDownloadIsFetchedOnceMore() throws IOException {
        hub.corruptNextDownloads(files.get(ONNX), 1);

        Path folder = download(settings(), null);

        assertArrayEquals(files.get(ONNX), Files.readAllBytes(folder.resolve(ONNX)));
        assertEquals(2, hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).count());
    }

    @Test
    void aDownloadCorruptedTwiceIsAnErrorAndLeavesNothingBehind() throws IOException {
        hub.corruptNextDownloads(files.get(ONNX), 2);

        HubException e = assertThrows(HubException.class, () -> download(settings(), null));

        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        String sha = FakeHub.sha256(files.get(ONNX));
        assertFalse(blobs(repoFolder()).contains(sha));
        assertFalse(blobs(repoFolder()).contains(sha + ".incomplete"));
    }

    @Test
    void serverErrorsAreRetried() {
        hub.failNextRequests(2);

        Path folder = download(settings(), null);

        assertTrue(Files.isRegularFile(folder.resolve(ONNX)));
    }

    /** The embedded all-MiniLM-L6-v2 files with config.json's model_type replaced, plus a safetensors file. */
    static Map<String, byte[]> withModelType(String modelType) {
        Map<String, byte[]> repo = new HashMap<>(files);
        String config = new String(files.get("config.json"), StandardCharsets.UTF_8);
        assertTrue(config.contains("\"model_type\": \"bert\""));
        repo.put("config.json", config.replace("\"model_type\": \"bert\"", "\"model_type\": \"" + modelType + "\"")
                .getBytes(StandardCharsets.UTF_8));
        repo.put("model.safetensors", new byte[] {1, 2, 3, 4});
        return repo;
    }

    @Test
    void onAGpuTheHubBringsTheOnnxExportEvenWhereTheEngineRunsTheArchitecture() {
        hub.addCommit("acme/bert-for-gpu", withModelType("bert"), "main");
        // ONNX Runtime as its GPU build answers (this class path has the CPU build, which refuses CUDA).
        dev.st4j.onnx.OnnxBackendProvider onnx = new dev.st4j.onnx.OnnxBackendProvider();
        BackendProvider gpuOnnx = new BackendProvider() {
            @Override
            public String name() {
                return onnx.name();
            }

            @Override
            public Support supports(com.fasterxml.jackson.databind.JsonNode config, BackendOptions options) {
                return onnx.supports(config, options);
            }

            @Override
            public Support runsOn(Device device) {
                return Support.YES;
            }

            @Override
            public WeightFiles weightFiles(Set<String> files, BackendOptions options) {
                return onnx.weightFiles(files, options);
            }

            @Override
            public TransformerBackend open(Path folder, BackendOptions options) {
                throw new AssertionError("the hub only chooses");
            }
        };
        Path folder = new HubDownloader(settings(), List.of(new EngineStandIn(), gpuOnnx))
                .downloadModel("acme/bert-for-gpu", null, null, null, Device.cuda(0));
        assertTrue(Files.isRegularFile(folder.resolve(ONNX)), "the Java engine runs on the CPU only");
        assertFalse(Files.exists(folder.resolve("model.safetensors")));
    }

    @Test
    void withTheEngineInstalledABertRepositoryBringsSafetensorsAndAnotherItsOnnxExport() throws IOException {
        // all-mpnet-base-v2's layout (safetensors + onnx/model.onnx) with an architecture the engine does not run.
        hub.addCommit("acme/bert-layout", withModelType("bert"), "main");
        Map<String, byte[]> other = withModelType("deberta-v2");
        hub.addCommit("acme/deberta-layout", other, "main");

        Path bert = withEngine(settings()).downloadModel("acme/bert-layout", null, null, null);
        assertTrue(Files.isRegularFile(bert.resolve("model.safetensors")));
        assertFalse(Files.exists(bert.resolve(ONNX)), "the engine runs BERT: no ONNX download");

        hub.clearRequests();
        Path folder = withEngine(settings()).downloadModel("acme/deberta-layout", null, null, null);
        assertFalse(Files.exists(folder.resolve("model.safetensors")), "the engine cannot use these safetensors");
        assertTrue(contentDownloads(hub.requests()).contains("cdn:" + FakeHub.sha256(other.get(ONNX))));
        assertFalse(contentDownloads(hub.requests()).contains("cdn:" + FakeHub.sha256(other.get("model.safetensors"))));
        assertFalse(Files.exists(folder.resolve("onnx/model_qint8_avx512.onnx")));
        // The export is all-MiniLM-L6-v2's: loaded by default, it gives the matrix sbert.net prints.
        try (SentenceTransformer m = SentenceTransformer.load(folder)) {
            assertTrue(m.describeBackend().startsWith("onnx"), m.describeBackend());
            FloatMatrix e = m.encode(List.of("The weather is lovely today.", "It's so sunny outside!",
                    "He drove to the stadium."));
            FloatMatrix sim = m.similarity(e, e);
            assertArrayEquals(new float[] {1.0000f, 0.6660f, 0.1046f}, sim.row(0), 1e-4f);
            assertArrayEquals(new float[] {0.6660f, 1.0000f, 0.1411f}, sim.row(1), 1e-4f);
        }
        hub.clearRequests();
        assertEquals(folder, withEngine(settings().withOffline(true)).downloadModel("acme/deberta-layout", null, null,
                null));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void theExternalDataAnOnnxGraphNamesIsFetchedWithIt() throws IOException {
        Path built = cache.resolve("built");
        float[][] table = new float[30522][];
        for (int i = 0; i < table.length; i++) {
            table[i] = new float[] {i % 3, 1};
        }
        dev.st4j.onnx.TinyGraphs.Spec.lookup(table).externalData("weights.bin").writeTo(built.resolve("model.onnx"));
        Map<String, byte[]> repoFiles = new HashMap<>(Map.of(
                "config.json", "{\"model_type\": \"deberta-v2\", \"hidden_size\": 2}".getBytes(StandardCharsets.UTF_8),
                "tokenizer.json", files.get("tokenizer.json"),
                "onnx/model.onnx", Files.readAllBytes(built.resolve("model.onnx")),
                "onnx/weights.bin", Files.readAllBytes(built.resolve("weights.bin")),
                "onnx/unrelated.bin", new byte[] {1},
                "model.safetensors", new byte[] {2}));
        hub.addCommit("acme/external", repoFiles, "main");

        Path folder = withEngine(settings()).downloadModel("acme/external", null, null, null);

        assertTrue(Files.isRegularFile(folder.resolve("onnx/weights.bin")));
        assertFalse(Files.exists(folder.resolve("onnx/unrelated.bin")));
        assertFalse(Files.exists(folder.resolve("model.safetensors")));
        try (SentenceTransformer m = SentenceTransformer.load(folder)) {
            // "hello world" is [CLS]=101, 7592, 2088, [SEP]=102: rows [2, 1], [2, 1], [0, 1], [0, 1].
            assertArrayEquals(new float[] {1, 1}, m.encode("hello world"), 1e-6f);
        }
        hub.clearRequests();
        assertEquals(folder, withEngine(settings().withOffline(true)).downloadModel("acme/external", null, null,
                null));
        Files.delete(folder.resolve("onnx/weights.bin"));
        ModelNotCachedException e = assertThrows(ModelNotCachedException.class, () -> withEngine(
                settings().withOffline(true)).downloadModel("acme/external", null, null, null));
        assertTrue(e.getMessage().contains("onnx/weights.bin"), e.getMessage());
    }

    @Test
    void embeddingsFromTheHubCopyEqualThoseOfTheEmbeddedCopy() {
        List<String> texts = List.of("The weather is lovely today.", "It's so sunny outside!",
                "He drove to the stadium.");
        Path folder = download(settings(), null);
        try (SentenceTransformer fromHub = SentenceTransformer.load(folder);
                SentenceTransformer embedded = SentenceTransformer.load(REPO)) {
            assertTrue(embedded.folder().toString().contains("embedded"), embedded.folder().toString());
            FloatMatrix a = fromHub.encode(texts);
            FloatMatrix b = embedded.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(b.row(i), a.row(i), 0f, "row " + i);
            }
        }
    }
}
