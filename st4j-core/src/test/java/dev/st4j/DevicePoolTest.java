package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.backend.Device;
import dev.st4j.testing.FakeBackend;
import dev.st4j.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pools over devices (SPEC 2.4's {@code start_multi_process_pool(["cuda:0", "cuda:1"])}) on {@link FakeBackend},
 * which opens on any device and records where: each worker must run the transformer opened on its own device,
 * workers of the model's device the model's own, and rows stay in input order whatever ran them. A plain folder is
 * Transformer + mean pooling, so a text's embedding is the mean of {@code (t + 1) * [1, 2]} over its token ids
 * {@code t} ([CLS] = 2, [SEP] = 3, a..e = 4..8), worked out here.
 */
class DevicePoolTest {
    static final String[] WORDS = {"a", "b", "c", "d", "e"};

    @TempDir
    Path tmp;

    @BeforeEach
    void forget() {
        FakeBackend.resetRecords();
    }

    Path plain(String name) {
        return TestModels.transformerFolder(tmp.resolve(name), "BertModel", 2, Map.of(), Map.of());
    }

    /** {@code n} texts of 1 to 12 words; {@code expected[i]} is text {@code i}'s embedding by hand. */
    static List<String> texts(int n, float[][] expected) {
        Random random = new Random(7);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int words = 1 + random.nextInt(12);
            StringBuilder sb = new StringBuilder();
            double sum = (2 + 1) + (3 + 1); // [CLS] and [SEP]
            for (int w = 0; w < words; w++) {
                int k = random.nextInt(WORDS.length);
                sb.append(w == 0 ? "" : " ").append(WORDS[k]);
                sum += TestModels.id(WORDS[k]) + 1;
            }
            out.add(sb.toString());
            float mean = (float) (sum / (words + 2));
            expected[i] = new float[] {mean, 2 * mean};
        }
        return out;
    }

    static List<String> encodeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("st4j-encode")).toList();
    }

    /** Each worker thread ran only on its own device: worker {@code k} ({@code st4j-encode-worker-k}) on devices[k-1]. */
    static void assertEachWorkerRanOnItsDevice(List<String> devices) {
        int workersSeen = 0;
        for (var e : FakeBackend.RAN_ON.entrySet()) {
            if (e.getKey().startsWith("st4j-encode-worker-")) {
                int k = Integer.parseInt(e.getKey().substring("st4j-encode-worker-".length()));
                assertEquals(Set.of(Device.parse(devices.get(k - 1), "devices")), e.getValue(), e.getKey());
                workersSeen++;
            }
        }
        assertTrue(workersSeen > 0, "the pool's workers ran the batches: " + FakeBackend.RAN_ON);
    }

    @Test
    void eachWorkerRunsTheTransformerOpenedOnItsOwnDeviceAndRowsStayInOrder() {
        int n = 3000;
        float[][] expected = new float[n][];
        List<String> texts = texts(n, expected);
        try (SentenceTransformer model = SentenceTransformer.load(plain("m"))) {
            FloatMatrix single = model.encode(texts);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(expected[i], single.row(i), 1e-5f, "row " + i);
            }
            int openBefore = FakeBackend.OPEN.get();
            FakeBackend.resetRecords();
            List<String> devices = List.of("cpu", "cuda:0", "cuda:1", "cuda", "cuda:1");
            try (EncodePool pool = model.startMultiProcessPool(devices)) {
                assertEquals(List.of("cpu", "cuda:0", "cuda:1", "cuda:0", "cuda:1"), pool.devices());
                // One session per GPU, opened when the pool starts; the cpu worker runs the model's own.
                assertEquals(List.of(Device.cuda(0), Device.cuda(1)), FakeBackend.OPENED);
                FloatMatrix pooled = model.encode(texts,
                        EncodeOptions.builder().pool(pool).batchSize(4).chunkSize(7).build());
                assertEquals(n, pooled.rows());
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(single.row(i), pooled.row(i), 1e-6f, "row " + i);
                }
                assertEachWorkerRanOnItsDevice(devices);
            }
            assertEquals(openBefore, FakeBackend.OPEN.get(), "closing the pool closes the sessions it opened");
            assertEquals(List.of(), encodeThreads(), "no worker thread outlives close()");
            // The copies shared the model's tokenizer; closing them left it working.
            assertArrayEquals(single.row(5), model.encode(texts.get(5)), 1e-6f);
            // A temporary pool (Python's device=[...]) on GPUs gives the same rows and closes its sessions too.
            FakeBackend.resetRecords();
            FloatMatrix temporary = model.encode(texts.subList(0, 100),
                    EncodeOptions.builder().devices("cuda:2", "cpu").batchSize(8).build());
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(single.row(i), temporary.row(i), 1e-6f, "row " + i);
            }
            assertEquals(List.of(Device.cuda(2)), FakeBackend.OPENED);
            assertEquals(openBefore, FakeBackend.OPEN.get());
            assertEquals(List.of(), encodeThreads());
        }
    }

    @Test
    void aModelLoadedOnAGpuRunsThereAndItsDefaultPoolIsThatGpu() {
        float[][] expected = new float[200][];
        List<String> texts = texts(200, expected);
        try (SentenceTransformer model = SentenceTransformer.load(plain("g"),
                LoadOptions.builder().device("CUDA:1").build())) {
            assertEquals(List.of(Device.cuda(1)), FakeBackend.OPENED, "LoadOptions.device reaches the backend");
            FloatMatrix direct = model.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected[i], direct.row(i), 1e-5f, "row " + i);
            }
            try (EncodePool pool = model.startMultiProcessPool()) {
                assertEquals(List.of("cuda:1"), pool.devices());
                assertEquals(1, FakeBackend.OPENED.size(), "the model's own session serves its device");
            }
            // A cpu worker of a GPU model gets the transformer opened on the CPU.
            List<String> devices = List.of("cuda:1", "cpu");
            FakeBackend.resetRecords();
            try (EncodePool pool = model.startMultiProcessPool(devices)) {
                assertEquals(List.of(Device.CPU), FakeBackend.OPENED);
                FloatMatrix pooled = model.encode(texts, EncodeOptions.builder().pool(pool).batchSize(2).build());
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(direct.row(i), pooled.row(i), 1e-6f, "row " + i);
                }
                assertEachWorkerRanOnItsDevice(devices);
            }
        }
    }

    @Test
    void aPoolOpensAnotherModelsTransformerOnItsDevicesOnFirstUse() {
        float[][] expected = new float[300][];
        List<String> texts = texts(300, expected);
        try (SentenceTransformer a = SentenceTransformer.load(plain("a"));
                SentenceTransformer b = SentenceTransformer.load(plain("b"));
                EncodePool pool = a.startMultiProcessPool(List.of("cuda:0", "cuda:0"))) {
            int open = FakeBackend.OPEN.get();
            FakeBackend.resetRecords();
            FloatMatrix rows = b.encode(texts, EncodeOptions.builder().pool(pool).batchSize(3).build());
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected[i], rows.row(i), 1e-5f, "row " + i);
            }
            assertEquals(List.of(Device.cuda(0)), FakeBackend.OPENED, "one session for b on cuda:0, both workers");
            assertEquals(open + 1, FakeBackend.OPEN.get());
            assertEachWorkerRanOnItsDevice(List.of("cuda:0", "cuda:0"));
        }
    }

    @Test
    void badDevicesNameTheArgumentInTheCallersTerms() {
        for (String bad : List.of("gpu", "mps", "cuda:-1", "cuda:x", "cuda:", "", "cpu:0", "tpu")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoadOptions.builder().device(bad).build(), bad);
            assertTrue(e.getMessage().startsWith("device: '" + bad + "'") && e.getMessage().contains("cuda:N"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().devices("cpu", bad).build());
            assertTrue(e.getMessage().startsWith("devices: '" + bad + "'"), e.getMessage());
        }
        try (SentenceTransformer model = SentenceTransformer.load(plain("m"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.startMultiProcessPool(List.of("cpu", "cuda:x")));
            assertTrue(e.getMessage().startsWith("devices: 'cuda:x'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.startMultiProcessPool(List.of()));
            assertTrue(e.getMessage().contains("devices must name at least one device"), e.getMessage());
            List<String> withNull = new ArrayList<>(List.of("cpu"));
            withNull.add(null);
            e = assertThrows(IllegalArgumentException.class, () -> model.startMultiProcessPool(withNull));
            assertTrue(e.getMessage().contains("devices must not be null"), e.getMessage());
        }
        assertEquals(List.of(), encodeThreads());
    }

    @Test
    void aStaticEmbeddingModelRefusesCudaRatherThanRunningOnTheCpu() {
        Path dir = TestModels.staticEmbedding(tmp.resolve("static"), TestModels.table(2, (t, k) -> t + k));
        TestModels.modules(dir, "", "sentence_transformers.models.StaticEmbedding");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(dir, LoadOptions.builder().device("cuda").build()));
        assertTrue(e.getMessage().contains("StaticEmbedding") && e.getMessage().contains("CPU only")
                && e.getMessage().contains("cuda:0"), e.getMessage());
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                    () -> model.startMultiProcessPool(List.of("cpu", "cuda:3")));
            assertTrue(p.getMessage().startsWith("devices: 'cuda:3'") && p.getMessage().contains("StaticEmbedding"),
                    p.getMessage());
            assertEquals(1, model.encode(List.of("a b"), EncodeOptions.builder().devices("cpu").build()).rows());
        }
        assertEquals(List.of(), encodeThreads());
    }
}
