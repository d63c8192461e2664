package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.EncodePool;
import dev.st4j.FloatMatrix;
import dev.st4j.ModelFormatException;
import dev.st4j.SentenceTransformer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPEC 2.4's multi-process encode, on the StaticEmbedding model of {@link StaticModels}: every row is known by hand
 * ({@code [m, 2m, 1]}, {@code m} the mean of the text's word ids), so results are checked against the vocabulary,
 * and pool results against a single worker's, in order.
 */
class EncodePoolTest {
    static final String[] WORDS = {"the", "of", "and", "hello", "world", "sun", "rain", "river", "stadium", "weather",
        "drove", "lovely", "today", "outside", "cat", "dog", "harbor", "piano"};

    @TempDir
    static Path dir;
    static int[] ids;

    @BeforeAll
    static void model() throws IOException {
        StaticModels.create(dir, StaticModels.BERT_VOCAB);
        ids = new int[WORDS.length];
        for (int i = 0; i < WORDS.length; i++) {
            ids[i] = StaticModels.id(dir, WORDS[i]);
        }
    }

    /** {@code n} texts of 1 to 40 words; {@code means[i]} is the hand-computed mean id of text {@code i}. */
    static List<String> texts(int n, double[] means) {
        Random random = new Random(n);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int words = 1 + random.nextInt(40);
            StringBuilder sb = new StringBuilder();
            long sum = 0;
            for (int w = 0; w < words; w++) {
                int k = random.nextInt(WORDS.length);
                sb.append(w == 0 ? "" : " ").append(WORDS[k]);
                sum += ids[k];
            }
            out.add(sb.toString());
            means[i] = (double) sum / words;
        }
        return out;
    }

    static List<String> encodeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("st4j-encode")).toList();
    }

    @ParameterizedTest(name = "{0} texts, chunk size {1}")
    @CsvSource({"0, 1", "0, 0", "1, 1", "1, 7", "1, 0", "10000, 1", "10000, 7", "10000, 0"})
    void poolRowsEqualSingleWorkerRowsInOrder(int n, int chunkSize) {
        double[] means = new double[n];
        List<String> texts = texts(n, means);
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            FloatMatrix single = model.encode(texts);
            assertEquals(n, single.rows());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(new float[] {(float) means[i], (float) (2 * means[i]), 1}, single.row(i), 1e-3f,
                        "row " + i + " is the mean of its word ids");
            }
            EncodeOptions.Builder options = EncodeOptions.builder().batchSize(16);
            if (chunkSize > 0) {
                options.chunkSize(chunkSize);
            }
            try (EncodePool pool = model.startMultiProcessPool(List.of("cpu", "cpu"))) {
                assertEquals(2, encodeThreads().size(), "one thread per device: " + encodeThreads());
                FloatMatrix pooled = model.encode(texts, options.pool(pool).build());
                assertEquals(n, pooled.rows());
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(single.row(i), pooled.row(i), 1e-6f, "row " + i);
                }
            }
            assertEquals(List.of(), encodeThreads(), "no worker thread outlives close()");
            // A temporary pool for one call (Python's device=[...]) gives the same rows and leaves no thread behind.
            FloatMatrix temporary = model.encode(texts, options.pool(null).devices("cpu", "cpu", "cpu").build());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(single.row(i), temporary.row(i), 1e-6f, "row " + i);
            }
            assertEquals(List.of(), encodeThreads());
        }
    }

    @Test
    void singleTextWithAPoolIsOneVector() {
        try (SentenceTransformer model = SentenceTransformer.load(dir);
                EncodePool pool = model.startMultiProcessPool()) {
            float[] v = model.encode("hello world", EncodeOptions.builder().pool(pool).build());
            float m = (ids[3] + ids[4]) / 2f;
            assertArrayEquals(new float[] {m, 2 * m, 1}, v, 1e-3f);
            assertTrue(pool.size() >= 1);
        }
    }

    @Test
    void badArgumentsNameTheArgument() {
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.startMultiProcessPool(List.of()));
            assertTrue(e.getMessage().contains("devices"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().devices(List.of()).build());
            assertTrue(e.getMessage().contains("devices"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.startMultiProcessPool(List.of("cpu", "tpu")));
            assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("cuda:N"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().devices("cuda:x").build());
            assertTrue(e.getMessage().contains("'cuda:x'"), e.getMessage());
            // A StaticEmbedding computes in Java: no GPU build would put it on a GPU (CudaDevicesTest: Transformers).
            e = assertThrows(IllegalArgumentException.class, () -> model.startMultiProcessPool(List.of("cuda:1")));
            assertTrue(e.getMessage().contains("'cuda:1'") && e.getMessage().contains("StaticEmbedding")
                    && e.getMessage().contains("CPU only"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().chunkSize(0).build());
            assertTrue(e.getMessage().contains("chunkSize"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().chunkSize(-3).build());
            assertTrue(e.getMessage().contains("chunkSize"), e.getMessage());
        }
        assertEquals(List.of(), encodeThreads());
    }

    @Test
    void aStoppedPoolIsAClearError() {
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            EncodePool pool = model.startMultiProcessPool(List.of("cpu"));
            model.stopMultiProcessPool(pool);
            assertFalse(pool.isUsable());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.encode(List.of("hello", "world"), EncodeOptions.builder().pool(pool).build()));
            assertTrue(e.getMessage().contains("stopped"), e.getMessage());
            pool.close(); // closing twice is harmless
        }
    }

    @Test
    void aWorkerExceptionFailsTheCallWithItsCauseAndThePoolStaysUsable(@TempDir Path small) throws IOException {
        // A table of 5000 rows: "hello" (7592) is past its end, so the worker that gets that text throws.
        StaticModels.create(small, 5000);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            texts.add(i == 15_000 ? "the hello" : "the of and");
        }
        try (SentenceTransformer model = SentenceTransformer.load(small);
                EncodePool pool = model.startMultiProcessPool(List.of("cpu", "cpu"))) {
            EncodeOptions options = EncodeOptions.builder().pool(pool).build();
            // A hang guard, not a timing check: a lost failure would block the call forever.
            RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertThrows(RuntimeException.class, () -> model.encode(texts, options)));
            Throwable cause = e instanceof ModelFormatException ? e : e.getCause();
            assertInstanceOf(ModelFormatException.class, cause, "the worker's own exception: " + e);
            assertTrue(cause.getMessage().contains("token id 7592"), cause.getMessage());
            assertTrue(pool.isUsable(), "a failed task does not break the pool");
            float m = (StaticModels.id(small, "the") + StaticModels.id(small, "of")) / 2f;
            assertArrayEquals(new float[] {m, 2 * m, 1}, model.encode(List.of("the of"), options).row(0), 1e-3f);
        }
        assertEquals(List.of(), encodeThreads());
    }

    @Test
    void interruptingTheCallerStopsTheCall() throws Exception {
        try (SentenceTransformer model = SentenceTransformer.load(dir);
                EncodePool pool = model.startMultiProcessPool(List.of("cpu", "cpu"))) {
            // An endless stream: only the interrupt can end this call.
            Iterator<String> endless = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public String next() {
                    return "hello world";
                }
            };
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            long[] rows = new long[1];
            Thread caller = new Thread(() -> {
                try {
                    model.encode(endless, EncodeOptions.builder().pool(pool).build(), (first, block) -> {
                        synchronized (rows) {
                            rows[0] += block.rows();
                            rows.notifyAll();
                        }
                    });
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            caller.start();
            synchronized (rows) {
                while (rows[0] == 0) {
                    rows.wait(); // some rows came out: the call is running
                }
            }
            caller.interrupt();
            caller.join(60_000);
            assertFalse(caller.isAlive());
            assertInstanceOf(CancellationException.class, thrown.get());
            assertTrue(pool.isUsable());
            assertEquals(1, model.encode(List.of("the"), EncodeOptions.builder().pool(pool).build()).rows());
        }
        assertEquals(List.of(), encodeThreads());
    }
}
