package dev.st4j.server;

import static dev.st4j.server.EmbeddingServerTest.JSON;
import static dev.st4j.server.EmbeddingServerTest.NAME;
import static dev.st4j.server.EmbeddingServerTest.SEEDS;
import static dev.st4j.server.EmbeddingServerTest.assertClose;
import static dev.st4j.server.EmbeddingServerTest.assertError;
import static dev.st4j.server.EmbeddingServerTest.assertOpenAiError;
import static dev.st4j.server.EmbeddingServerTest.floats;
import static dev.st4j.server.EmbeddingServerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Models loaded on their first request, and requests that run out of time in the queue or in inference. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LazyModelsAndTimeoutsTest {
    static SentenceTransformer model;

    @BeforeAll
    static void load() {
        model = SentenceTransformer.load(NAME);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static JsonNode get(EmbeddingServer s, String path) throws Exception {
        HttpResponse<String> r = EmbeddingServerTest.HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + path))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void aLazyModelIsListedBeforeItLoadsAndLoadsOnceForConcurrentFirstRequests() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch requestsSent = new CountDownLatch(1);
        Map<String, ModelSource> sources = new LinkedHashMap<>();
        sources.put(NAME, ModelSource.of(model));
        sources.put("later", ModelSource.lazy(() -> {
            loads.incrementAndGet();
            try {
                // Hold the load until every first request is in, so they all find it loading.
                requestsSent.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return SentenceTransformer.load(NAME);
        }));
        try (EmbeddingServer s = EmbeddingServer.serve(sources, null, ServerOptions.builder().port(0).build(), null)) {
            JsonNode list = get(s, "/v1/models").get("data");
            assertEquals(2, list.size());
            assertEquals("later", list.get(1).get("id").asText());
            assertEquals(0, loads.get(), "listing does not load");

            int clients = 6;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<EmbeddingServerTest.Reply>> replies = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    String text = SEEDS.get(i % 3);
                    replies.add(pool.submit(() -> post(s, "/v1/embeddings",
                            JSON.writeValueAsString(Map.of("input", text, "model", "later")))));
                }
                for (int i = 0; i < 600 && loads.get() == 0; i++) {
                    Thread.sleep(10);
                }
                Thread.sleep(200); // let the other requests reach the slot while the load is held
                requestsSent.countDown();
                FloatMatrix expected = model.encode(SEEDS);
                for (int i = 0; i < clients; i++) {
                    EmbeddingServerTest.Reply r = replies.get(i).get(120, TimeUnit.SECONDS);
                    assertEquals(200, r.status(), r.raw().body());
                    assertEquals("later", r.body().get("model").asText());
                    assertClose(expected.row(i % 3), floats(r.body().get("data").get(0).get("embedding")), 1e-6);
                }
            }
            assertEquals(1, loads.get(), "one load for all first requests");
            assertEquals(200, post(s, "/embed", JSON.writeValueAsString(Map.of("inputs", "x", "model", "later")))
                    .status());
            assertEquals(1, loads.get());
        }
    }

    @Test
    void aFailedLoadIsAJsonErrorNamingTheModelAndTheNextRequestTriesAgain() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        Map<String, ModelSource> sources = new LinkedHashMap<>();
        sources.put("flaky", ModelSource.lazy(() -> {
            if (loads.incrementAndGet() == 1) {
                throw new IllegalStateException("disk not mounted yet");
            }
            return SentenceTransformer.load(NAME);
        }));
        sources.put(NAME, ModelSource.of(model));
        try (EmbeddingServer s = EmbeddingServer.serve(sources, NAME, ServerOptions.builder().port(0).build(), null)) {
            EmbeddingServerTest.Reply tei = post(s, "/embed",
                    JSON.writeValueAsString(Map.of("inputs", "a", "model", "flaky")));
            assertError(tei, 503, "unhealthy", "'flaky'", "disk not mounted yet");
            // The other model is untouched by the failure.
            assertEquals(200, post(s, "/embed", JSON.writeValueAsString(Map.of("inputs", "a"))).status());
            EmbeddingServerTest.Reply second = post(s, "/v1/embeddings",
                    JSON.writeValueAsString(Map.of("input", SEEDS.get(0), "model", "flaky")));
            assertEquals(200, second.status(), second.raw().body());
            assertClose(model.encode(SEEDS.get(0)), floats(second.body().get("data").get(0).get("embedding")), 1e-6);
            assertEquals(2, loads.get());
        }
    }

    @Test
    void aFailedLoadIsInOpenAisShapeUnderV1() throws Exception {
        Map<String, ModelSource> sources = Map.of("broken", ModelSource.lazy(() -> {
            throw new IllegalArgumentException("no such folder /models/broken");
        }));
        try (EmbeddingServer s = EmbeddingServer.serve(sources, null, ServerOptions.builder().port(0).build(), null)) {
            assertOpenAiError(post(s, "/v1/embeddings", JSON.writeValueAsString(Map.of("input", "a"))), 503,
                    "server_error", null, null, "'broken'", "no such folder");
        }
    }

    /** Holds the model's thread until {@code release} opens; returns once the hold is running. */
    static Future<Object> hold(ExecutorService pool, DynamicBatcher batcher, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Future<Object> f = pool.submit(() -> batcher.run(m -> {
            running.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "held";
        }, 1, Long.MAX_VALUE));
        assertTrue(running.await(60, TimeUnit.SECONDS));
        return f;
    }

    static double batches(EmbeddingServer s) throws Exception {
        HttpResponse<String> r = EmbeddingServerTest.HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith("st4j_batch_texts_count")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aRequestThatTimesOutInTheQueueIs503AndItsWorkIsDroppedUnrun() throws Exception {
        ServerOptions o = ServerOptions.builder().port(0).requestTimeout(Duration.ofMillis(300)).build();
        try (EmbeddingServer s = EmbeddingServer.start(Map.of(NAME, model), null, o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            DynamicBatcher batcher = s.batcher(NAME);
            assertEquals(200, post(s, "/embed", JSON.writeValueAsString(Map.of("inputs", "warm"))).status());
            double before = batches(s);
            CountDownLatch release = new CountDownLatch(1);
            Future<Object> held = hold(pool, batcher, release);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 70; i++) {
                texts.add("text " + i); // three parts of at most 32 texts: all dropped
            }
            EmbeddingServerTest.Reply tei = post(s, "/embed", JSON.writeValueAsString(Map.of("inputs", texts)));
            assertError(tei, 503, "overloaded", "timed out", "queue", "--request-timeout");
            assertEquals("1", tei.raw().headers().firstValue("Retry-After").orElse(null));
            assertOpenAiError(post(s, "/v1/embeddings", JSON.writeValueAsString(Map.of("input", "a"))), 503,
                    "server_error", null, "timeout", "timed out");
            assertEquals(0, batcher.queuedTokens(), "the dropped work no longer counts against the queue");
            assertEquals(0, batcher.queuedJobs(), "the dropped work left the queue");
            release.countDown();
            assertEquals("held", held.get(60, TimeUnit.SECONDS));
            // Nothing was computed for the requests that gave up; the next one is served.
            EmbeddingServerTest.Reply after = post(s, "/embed", JSON.writeValueAsString(Map.of("inputs", SEEDS)));
            assertEquals(200, after.status(), after.raw().body());
            assertEquals(before + 1, batches(s), "only the request after the hold ran a forward pass");
        }
    }

    @Test
    void aRequestThatTimesOutDuringItsPassIs504() throws Exception {
        ServerOptions o = ServerOptions.builder().port(0).build();
        try (EmbeddingServer s = EmbeddingServer.start(Map.of(NAME, model), null, o)) {
            DynamicBatcher batcher = s.batcher(NAME);
            CountDownLatch release = new CountDownLatch(1);
            ApiException e = assertThrows(ApiException.class, () -> batcher.run(m -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }, 1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
            release.countDown();
            assertEquals(504, e.status);
            assertEquals(504, e.openAiStatus);
            assertTrue(e.getMessage().contains("while model '" + NAME + "' computed it"), e.getMessage());
            // The worker is free again afterwards.
            FloatMatrix m = batcher.encode(SEEDS, new int[] {9, 9, 9}, EncodeOptions.defaults(), Long.MAX_VALUE);
            assertClose(model.encode(SEEDS).row(1), m.row(1), 1e-6);
        }
    }
}
