package dev.st4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.QuantizedEmbeddings;
import dev.st4j.SentenceTransformer;
import dev.st4j.backend.TokenBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on loopback (an ephemeral port) against the library: OpenAI-style and TEI-style requests give the
 * vectors {@code SentenceTransformer.encode} gives and the matrix sbert.net prints for all-MiniLM-L6-v2; every bad
 * input gets its status and TEI's error JSON naming the field.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddingServerTest {
    static final List<String> SEEDS = List.of(
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.");
    /** sbert.net's printed similarities for the seeds (4 decimals). */
    static final float[][] SEED_MATRIX = {{1.0000f, 0.6660f, 0.1046f}, {0.6660f, 1.0000f, 0.1411f},
        {0.1046f, 0.1411f, 1.0000f}};
    static final String NAME = "all-MiniLM-L6-v2";

    static SentenceTransformer model;
    static EmbeddingServer server;
    /** Small limits: passes of 64 tokens and 8 texts, 40 inputs, 4 KiB bodies, 300 queued tokens. */
    static EmbeddingServer small;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        model = SentenceTransformer.load(NAME);
        Map<String, SentenceTransformer> models = new LinkedHashMap<>();
        models.put(NAME, model);
        models.put("second", model);
        server = EmbeddingServer.start(models, null, ServerOptions.builder().port(0).build());
        small = EmbeddingServer.start(Map.of(NAME, model), null, ServerOptions.builder().port(0)
                .maxBatchTokens(64).maxBatchRequests(8).maxClientBatch(40).maxBodyBytes(4096).maxQueuedTokens(300).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (small != null) {
            small.close();
        }
        if (model != null) {
            model.close();
        }
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

    static Reply post(EmbeddingServer s, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(s.uri() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    static Reply post(String path, Object body) throws Exception {
        return post(server, path, JSON.writeValueAsString(body));
    }

    static Reply get(String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(60))
                .GET().build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        boolean json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        return new Reply(r.statusCode(), json && !r.body().isEmpty() ? JSON.readTree(r.body()) : null, r);
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).floatValue();
        }
        return out;
    }

    static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "width");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "dimension " + i);
        }
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    // ------------------------------------------------------------------ vectors

    @Test
    void openAiRequestGivesTheLibrarysVectorsAndTheSeedMatrix() throws Exception {
        Reply r = post("/v1/embeddings", Map.of("input", SEEDS, "model", NAME));
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("list", r.body().get("object").asText());
        assertEquals(NAME, r.body().get("model").asText());
        FloatMatrix expected = model.encode(SEEDS);
        float[][] got = new float[3][];
        for (int i = 0; i < 3; i++) {
            JsonNode d = r.body().get("data").get(i);
            assertEquals("embedding", d.get("object").asText());
            assertEquals(i, d.get("index").asInt());
            got[i] = floats(d.get("embedding"));
            assertClose(expected.row(i), got[i], 1e-6);
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(SEED_MATRIX[i][j], dot(got[i], got[j]), 5.1e-5, "similarity " + i + "," + j);
            }
        }
        int tokens = 0;
        for (int n : model.tokenize(SEEDS).lengths()) {
            tokens += n;
        }
        assertEquals(tokens, r.body().get("usage").get("prompt_tokens").asInt());
        assertEquals(tokens, r.body().get("usage").get("total_tokens").asInt());
    }

    @Test
    void teiRequestGivesTheLibrarysVectors() throws Exception {
        Reply one = post("/embed", Map.of("inputs", SEEDS.get(0)));
        assertEquals(200, one.status(), one.raw().body());
        assertEquals(1, one.body().size());
        assertClose(model.encode(SEEDS.get(0)), floats(one.body().get(0)), 1e-6);

        Reply many = post("/embed", Map.of("inputs", SEEDS, "normalize", true, "truncate", true,
                "truncation_direction", "Right"));
        assertEquals(200, many.status(), many.raw().body());
        FloatMatrix expected = model.encode(SEEDS, EncodeOptions.builder().normalizeEmbeddings(true).build());
        for (int i = 0; i < 3; i++) {
            assertClose(expected.row(i), floats(many.body().get(i)), 1e-6);
        }
    }

    @Test
    void base64DecodesToTheFloats() throws Exception {
        Reply b64 = post("/v1/embeddings", Map.of("input", SEEDS, "encoding_format", "base64"));
        Reply flt = post("/v1/embeddings", Map.of("input", SEEDS, "encoding_format", "float"));
        assertEquals(200, b64.status(), b64.raw().body());
        FloatMatrix expected = model.encode(SEEDS);
        for (int i = 0; i < 3; i++) {
            byte[] bytes = Base64.getDecoder().decode(b64.body().get("data").get(i).get("embedding").asText());
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] decoded = new float[bytes.length / 4];
            buf.asFloatBuffer().get(decoded);
            assertArrayEquals(floats(flt.body().get("data").get(i).get("embedding")), decoded);
            assertClose(expected.row(i), decoded, 1e-6);
        }
    }

    @Test
    void dimensionsAndPrecisionEqualTheLibrarysResults() throws Exception {
        Reply r = post("/embed", Map.of("inputs", SEEDS, "dimensions", 128));
        assertEquals(200, r.status(), r.raw().body());
        FloatMatrix expected = model.encode(SEEDS,
                EncodeOptions.builder().truncateDim(128).normalizeEmbeddings(true).build());
        for (int i = 0; i < 3; i++) {
            assertClose(expected.row(i), floats(r.body().get(i)), 1e-6);
        }
        Reply oa = post("/v1/embeddings", Map.of("input", SEEDS, "dimensions", 64));
        assertEquals(64, oa.body().get("data").get(0).get("embedding").size());

        for (String p : List.of("int8", "uint8", "binary", "ubinary")) {
            QuantizedEmbeddings q = model.encodeQuantized(SEEDS,
                    EncodeOptions.builder().normalizeEmbeddings(true).precision(p).build());
            Reply tei = post("/embed", Map.of("inputs", SEEDS, "precision", p));
            assertEquals(200, tei.status(), tei.raw().body());
            Reply b64 = post("/v1/embeddings", Map.of("input", SEEDS, "precision", p, "encoding_format", "base64"));
            for (int row = 0; row < 3; row++) {
                JsonNode got = tei.body().get(row);
                assertEquals(q.cols(), got.size(), p);
                for (int c = 0; c < q.cols(); c++) {
                    assertEquals(q.get(row, c), got.get(c).asInt(), p + " row " + row + " col " + c);
                }
                assertArrayEquals(q.row(row), Base64.getDecoder().decode(
                        b64.body().get("data").get(row).get("embedding").asText()), p);
            }
        }
        // Binary packs 8 dimensions per byte.
        assertEquals(384 / 8, post("/embed", Map.of("inputs", "x", "precision", "ubinary")).body().get(0).size());
    }

    @Test
    void similarityRouteGivesTheSeedRow() throws Exception {
        Reply r = post("/similarity", Map.of("inputs", Map.of("source_sentence", SEEDS.get(0),
                "sentences", SEEDS.subList(1, 3))));
        assertEquals(200, r.status(), r.raw().body());
        assertEquals(2, r.body().size());
        assertEquals(SEED_MATRIX[0][1], r.body().get(0).floatValue(), 5.1e-5);
        assertEquals(SEED_MATRIX[0][2], r.body().get(1).floatValue(), 5.1e-5);
    }

    @Test
    void embedAllGivesTheTokenEmbeddings() throws Exception {
        Reply r = post("/embed_all", Map.of("inputs", SEEDS.subList(0, 2)));
        assertEquals(200, r.status(), r.raw().body());
        List<FloatMatrix> expected = model.encodeTokens(SEEDS.subList(0, 2), EncodeOptions.defaults());
        for (int t = 0; t < 2; t++) {
            assertEquals(expected.get(t).rows(), r.body().get(t).size());
            for (int row = 0; row < expected.get(t).rows(); row++) {
                assertClose(expected.get(t).row(row), floats(r.body().get(t).get(row)), 1e-6);
            }
        }
    }

    @Test
    void tokenizeGivesIdsTextsAndSpecialMarks() throws Exception {
        Reply r = post("/tokenize", Map.of("inputs", "Hello world"));
        assertEquals(200, r.status(), r.raw().body());
        JsonNode toks = r.body().get(0);
        TokenBatch b = model.tokenize(List.of("Hello world"));
        assertEquals(b.lengths()[0], toks.size());
        // BERT's uncased WordPiece: [CLS] hello world [SEP] = 101 7592 2088 102.
        long[] ids = {101, 7592, 2088, 102};
        String[] texts = {"[CLS]", "hello", "world", "[SEP]"};
        for (int i = 0; i < 4; i++) {
            assertEquals(ids[i], toks.get(i).get("id").asLong());
            assertEquals(texts[i], toks.get(i).get("text").asText());
            assertEquals(i == 0 || i == 3, toks.get(i).get("special").asBoolean());
        }
        Reply plain = post("/tokenize", Map.of("inputs", List.of("Hello world"), "add_special_tokens", false));
        assertEquals(2, plain.body().get(0).size());
        assertEquals("hello", plain.body().get(0).get(0).get("text").asText());
    }

    @Test
    void severalModelsByNameAndTheDefault() throws Exception {
        Reply models = get("/v1/models");
        assertEquals(200, models.status());
        assertEquals(NAME, models.body().get("data").get(0).get("id").asText());
        assertEquals("second", models.body().get("data").get(1).get("id").asText());
        Reply second = post("/v1/embeddings", Map.of("input", SEEDS.get(1), "model", "second"));
        assertEquals("second", second.body().get("model").asText());
        assertClose(model.encode(SEEDS.get(1)), floats(second.body().get("data").get(0).get("embedding")), 1e-6);
        Reply info = get("/info");
        assertEquals(NAME, info.body().get("model_id").asText());
        assertEquals(256, info.body().get("max_input_length").asInt());
        assertEquals("mean", info.body().get("model_type").get("embedding").get("pooling").asText());
        assertEquals(200, get("/health").status());
        Reply metrics = get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.raw().body().contains("st4j_http_requests"), metrics.raw().body());
        assertTrue(metrics.raw().body().contains("st4j_queue_tokens"), metrics.raw().body());
    }

    @Test
    void clientBatchesLargerThanABatchAreSplitAndAnsweredInOrder() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            texts.add("sentence number " + i + " about " + "topic ".repeat(i % 5));
        }
        // Passes of 64 tokens and 8 texts: the 37 texts, sorted by length, go through several passes.
        Reply r = post(small, "/embed", JSON.writeValueAsString(Map.of("inputs", texts)));
        assertEquals(200, r.status(), r.raw().body());
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(small.uri() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher max = java.util.regex.Pattern.compile("st4j_batch_texts_max\\{[^}]*} (\\S+)")
                .matcher(metrics);
        assertTrue(max.find(), metrics);
        assertTrue(Double.parseDouble(max.group(1)) <= 8, "texts per pass: " + max.group(1));
        FloatMatrix expected = model.encode(texts, EncodeOptions.builder().normalizeEmbeddings(true).build());
        assertEquals(37, r.body().size());
        for (int i = 0; i < 37; i++) {
            assertClose(expected.row(i), floats(r.body().get(i)), 1e-6);
        }
    }

    @Test
    void concurrentClientsEachGetTheirOwnVector() throws Exception {
        int clients = 24;
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            texts.add("client " + i + " asks about " + (i % 2 == 0 ? "the weather" : "the stadium"));
        }
        FloatMatrix expected = model.encode(texts);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> replies = new ArrayList<>();
            for (String t : texts) {
                replies.add(pool.submit(() -> post("/v1/embeddings", Map.of("input", t))));
            }
            for (int i = 0; i < clients; i++) {
                Reply r = replies.get(i).get(120, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r.raw().body());
                assertClose(expected.row(i), floats(r.body().get("data").get(0).get("embedding")), 1e-6);
            }
        }
    }

    @Test
    void decodeGivesTheTextsOfHuggingFaceTokenizersDecode() throws Exception {
        // The ids: Hugging Face's encodings of bert-base-uncased, whose vocabulary and decoder all-MiniLM-L6-v2
        // shares (swift-transformers' fixture). The texts: Hugging Face tokenizers' (Rust, through DJL) decode of
        // those ids, as TEI's /decode runs it. The fixture's own texts come from Python transformers, which cleans
        // up the joined string once more ("should ' ve" becomes "should've"), so they are the oracle only where
        // that second pass changes nothing.
        JsonNode cases = JSON.readTree(java.nio.file.Path.of(System.getProperty("st4j.shared.data"),
                "tokenizer-conformance", "swift_tokenizer_tests.json").toFile()).get("bert-base-uncased");
        assertTrue(cases.size() >= 10, "fixture cases");
        ArrayNode batch = JSON.createArrayNode();
        List<String> without = new ArrayList<>();
        int sameAsPython = 0;
        try (var hf = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                model.folder().resolve("tokenizer.json"))) {
            for (JsonNode c : cases) {
                JsonNode ids = c.get("encoded").get("input_ids");
                long[] wide = JSON.convertValue(ids, long[].class);
                String expectedPlain = hf.decode(wide, true);
                String expectedSpecial = hf.decode(wide, false);
                batch.add(ids);
                without.add(expectedPlain);
                Reply plain = post("/decode", Map.of("ids", ids));
                assertEquals(200, plain.status(), plain.raw().body());
                assertEquals(1, plain.body().size());
                assertEquals(expectedPlain, plain.body().get(0).asText(), c.get("input").asText());
                Reply special = post("/decode", Map.of("ids", ids, "skip_special_tokens", false));
                assertEquals(expectedSpecial, special.body().get(0).asText(), c.get("input").asText());
                if (expectedPlain.equals(c.get("decoded_without_special").asText())
                        && expectedSpecial.equals(c.get("decoded_with_special").asText())) {
                    sameAsPython++;
                }
            }
        }
        assertTrue(sameAsPython >= cases.size() - 3, sameAsPython + " of " + cases.size() + " as Python prints");
        assertEquals("[CLS] hello world [SEP]", post("/decode", Map.of("ids", List.of(101, 7592, 2088, 102),
                "skip_special_tokens", false)).body().get(0).asText());
        Reply all = post("/decode", Map.of("ids", batch));
        assertEquals(200, all.status(), all.raw().body());
        assertEquals(without.size(), all.body().size());
        for (int i = 0; i < without.size(); i++) {
            assertEquals(without.get(i), all.body().get(i).asText(), "batch entry " + i);
        }
        // The seeds' own ids, from the tokenizer the embeddings use, decode to the lowercased seeds.
        TokenBatch seeds = model.tokenize(SEEDS.subList(0, 1));
        long[] ids = java.util.Arrays.copyOf(seeds.inputIds(), seeds.lengths()[0]);
        assertEquals("the weather is lovely today.", post("/decode", Map.of("ids", ids)).body().get(0).asText());
    }

    @Test
    void badDecodeRequestsAre422NamingTheField() throws Exception {
        assertError(post("/decode", Map.of("skip_special_tokens", true)), 422, "validation", "'ids'");
        assertError(post("/decode", Map.of("ids", "101 102")), 422, "validation", "'ids'");
        assertError(post("/decode", Map.of("ids", List.of())), 422, "validation", "'ids'", "empty");
        assertError(post("/decode", Map.of("ids", List.of(101, -1))), 422, "validation", "'ids[1]'");
        assertError(post("/decode", Map.of("ids", List.of(101, 1.5))), 422, "validation", "'ids[1]'");
        assertError(post("/decode", Map.of("ids", List.of(List.of(101), 7))), 422, "validation", "'ids[1]'");
        assertError(post("/decode", Map.of("ids", List.of(List.of(101), List.of()))), 422, "validation",
                "'ids[1]'", "empty");
        assertError(post("/decode", Map.of("ids", List.of(101), "skip_special_tokens", "no")), 422, "validation",
                "'skip_special_tokens'");
        List<List<Integer>> many = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            many.add(List.of(101));
        }
        assertError(post(small, "/decode", JSON.writeValueAsString(Map.of("ids", many))), 413, "validation",
                "'ids'", "max client batch 40");
    }

    @Test
    void truncateFalseAcceptsTextsUpToTheLimitAsTei() throws Exception {
        // "word" is one WordPiece token; [CLS] and [SEP] make n words n + 2 tokens against the limit of 256.
        for (int total : new int[] {255, 256, 257}) {
            String text = "word ".repeat(total - 2).strip();
            assertEquals(total, model.getTokenizer().untruncatedLength(text), "hand count");
            Reply r = post("/embed", Map.of("inputs", List.of("short", text), "truncate", false));
            if (total <= 256) {
                assertEquals(200, r.status(), total + " tokens: " + r.raw().body());
                FloatMatrix expected = model.encode(List.of("short", text),
                        EncodeOptions.builder().normalizeEmbeddings(true).build());
                assertClose(expected.row(1), floats(r.body().get(1)), 1e-6);
            } else {
                assertError(r, 413, "validation", "'inputs[1]'", "257 tokens", "256", "truncate");
            }
            Reply left = post("/embed", Map.of("inputs", text, "truncation_direction", "Left"));
            if (total <= 256) {
                assertEquals(200, left.status(), total + " tokens, Left: " + left.raw().body());
            } else {
                assertError(left, 422, "validation", "'truncation_direction'");
            }
        }
    }

    @Test
    void serverTestsRunTheVectorApiKernels() {
        // The pom adds the module as `st4j serve` does; without it the engine would run its scalar kernels.
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    }

    // ------------------------------------------------------------------ OpenAI's error shape under /v1/

    static void assertOpenAiError(Reply r, int status, String type, String param, String code, String... mentions) {
        String body = r.raw().body();
        assertEquals(status, r.status(), body.substring(0, Math.min(300, body.length())));
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode error = r.body().get("error");
        assertTrue(error != null && error.isObject(), body);
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("message", "type", "param", "code"), fields, body);
        assertEquals(1, r.body().size(), body);
        assertEquals(type, error.get("type").asText(), body);
        assertEquals(param, error.get("param").isNull() ? null : error.get("param").asText(), body);
        assertEquals(code, error.get("code").isNull() ? null : error.get("code").asText(), body);
        for (String m : mentions) {
            assertTrue(error.get("message").asText().contains(m), "'" + error.get("message") + "' should mention " + m);
        }
    }

    @Test
    void openAiRoutesAnswerBadRequestsInOpenAisShape() throws Exception {
        assertOpenAiError(post(server, "/v1/embeddings", "not json"), 400, "invalid_request_error", null, null,
                "not valid JSON");
        assertOpenAiError(post("/v1/embeddings", Map.of("inputs", "a")), 400, "invalid_request_error", "input", null);
        assertOpenAiError(post("/v1/embeddings", Map.of("input", List.of("a", 3))), 400, "invalid_request_error",
                "input[1]", null);
        assertOpenAiError(post("/v1/embeddings", Map.of("input", List.of())), 400, "invalid_request_error", "input",
                null, "empty");
        assertOpenAiError(post("/v1/embeddings", Map.of("input", "")), 400, "invalid_request_error", "input", null);
        assertOpenAiError(post("/v1/embeddings", Map.of("input", "a", "encoding_format", "hex")), 400,
                "invalid_request_error", "encoding_format", null);
        assertOpenAiError(post("/v1/embeddings", Map.of("input", "a", "dimensions", 1000)), 400,
                "invalid_request_error", "dimensions", null, "384");
        assertOpenAiError(post("/v1/embeddings", Map.of("input", "word ".repeat(400), "truncate", false)), 400,
                "invalid_request_error", "input[0]", null, "256");
    }

    @Test
    void openAiUnknownModelIs404ModelNotFound() throws Exception {
        assertOpenAiError(post("/v1/embeddings", Map.of("input", "a", "model", "gpt-4")), 404,
                "invalid_request_error", "model", "model_not_found", "gpt-4", NAME);
        // TEI's routes keep TEI's shape and status for the same mistake.
        assertError(post("/embed", Map.of("inputs", "a", "model", "gpt-4")), 422, "validation", "'model'");
    }

    @Test
    void openAiLimitsAreInOpenAisShape() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            many.add("t" + i);
        }
        assertOpenAiError(post(small, "/v1/embeddings", JSON.writeValueAsString(Map.of("input", many))), 400,
                "invalid_request_error", "input", null, "max client batch 40");
        String huge = JSON.writeValueAsString(Map.of("input", "word ".repeat(2000)));
        assertOpenAiError(post(small, "/v1/embeddings", huge), 400, "invalid_request_error", null, null,
                "max body size 4096");
    }

    @Test
    void unknownPathsAndMethodsUnderV1Are404And405InOpenAisShape() throws Exception {
        assertOpenAiError(post("/v1/completions", Map.of("prompt", "a")), 404, "invalid_request_error", null, null,
                "/v1/completions");
        assertOpenAiError(post("/v1", Map.of()), 404, "invalid_request_error", null, null, "/v1");
        assertOpenAiError(get("/v1/embeddings"), 405, "invalid_request_error", null, null, "POST");
        // Outside /v1/ the same mistakes are TEI's shape.
        assertError(post("/completions", Map.of("prompt", "a")), 404, "validation", "/completions");
    }

    // ------------------------------------------------------------------ bad input

    static void assertError(Reply r, int status, String errorType, String... mentions) {
        String body = r.raw().body();
        assertEquals(status, r.status(), body.substring(0, Math.min(300, body.length())));
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(errorType, r.body().get("error_type").asText(), r.raw().body());
        String message = r.body().get("error").asText();
        for (String m : mentions) {
            assertTrue(message.contains(m), "'" + message + "' should mention " + m);
        }
    }

    @Test
    void malformedJsonIs422() throws Exception {
        assertError(post(server, "/embed", "{\"inputs\": [\"a\""), 422, "validation", "not valid JSON");
        assertError(post(server, "/embed", ""), 422, "validation", "empty");
        assertError(post(server, "/embed", "[\"a\"]"), 422, "validation", "JSON object");
    }

    @Test
    void wrongTypesAre422NamingTheField() throws Exception {
        assertError(post("/embed", Map.of("inputs", 42)), 422, "validation", "'inputs'");
        assertError(post("/embed", Map.of("inputs", List.of("a", 3))), 422, "validation", "'inputs[1]'");
        assertOpenAiError(post("/v1/embeddings", Map.of("input", List.of(List.of(1, 2)))), 400, "invalid_request_error",
                "input[0]", null, "token-id inputs");
        assertError(post("/embed", Map.of("inputs", "a", "normalize", "yes")), 422, "validation", "'normalize'");
        assertError(post("/embed", Map.of("inputs", "a", "dimensions", "x")), 422, "validation", "'dimensions'");
        assertError(post("/embed", Map.of("inputs", "a", "dimensions", 0)), 422, "validation", "'dimensions'");
        assertError(post("/embed", Map.of("inputs", "a", "truncation_direction", "Up")), 422, "validation",
                "'truncation_direction'");
        assertError(post("/embed", Map.of("inputs", "a", "precision", "int4")), 422, "validation", "'precision'");
        assertError(post(server, "/embed", "{\"inputs\": \"\\ud800 lone surrogate\"}"), 422, "validation",
                "surrogate");
        assertError(post("/embed", Map.of("inputs", "a", "dimensions", 1e30)), 422, "validation", "'dimensions'");
        assertError(post("/similarity", Map.of("inputs", "a")), 422, "validation", "'inputs'");
        assertError(post("/similarity", Map.of("inputs", Map.of("source_sentence", "a"))), 422, "validation",
                "'inputs.sentences'");
    }

    @Test
    void emptyInputsAndEmptyStrings() throws Exception {
        assertError(post("/embed", Map.of("inputs", List.of())), 400, "empty", "'inputs'");
        assertError(post("/embed", Map.of("inputs", "")), 422, "validation", "'inputs'", "empty string");
        assertError(post("/embed", Map.of("inputs", List.of("a", ""))), 422, "validation", "'inputs[1]'");
    }

    @Test
    void hugeBodiesAndTooManyInputsAre413() throws Exception {
        String huge = JSON.writeValueAsString(Map.of("inputs", "word ".repeat(2000)));
        assertError(post(small, "/embed", huge), 413, "validation", "max body size 4096");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            many.add("t" + i);
        }
        assertError(post(small, "/embed", JSON.writeValueAsString(Map.of("inputs", many))), 413, "validation",
                "'inputs'", "41", "max client batch 40");
        // 30 texts of ~17 tokens: over the 300 queued tokens the small server allows at once.
        List<String> longer = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            longer.add("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron");
        }
        assertError(post(small, "/embed", JSON.writeValueAsString(Map.of("inputs", longer))), 413, "validation",
                "max queued tokens 300");
        String tooLong = "word ".repeat(400);
        assertError(post("/embed", Map.of("inputs", tooLong, "truncate", false)), 413, "validation",
                "'inputs[0]'", "256 tokens", "truncate");
        assertError(post("/embed", Map.of("inputs", tooLong, "truncation_direction", "Left")), 422, "validation",
                "'truncation_direction'");
        assertEquals(200, post("/embed", Map.of("inputs", tooLong)).status());
    }

    @Test
    void unknownModelPromptAndTooManyDimensions() throws Exception {
        assertError(post("/embed", Map.of("inputs", "a", "model", "gpt-4")), 422, "validation",
                "'model'", "gpt-4", NAME);
        assertError(post("/embed", Map.of("inputs", "a", "prompt_name", "classification")), 422,
                "validation", "'prompt_name'", "classification");
        assertError(post("/embed", Map.of("inputs", "a", "dimensions", 385)), 422, "validation",
                "'dimensions'", "384");
    }

    @Test
    void unknownRoutesAndMethods() throws Exception {
        assertError(post("/rerank", Map.of("query", "a")), 404, "validation", "/rerank");
        assertError(get("/embed"), 405, "validation", "POST");
    }

    @Test
    void aFullQueueIs429WithRetryAfter() throws Exception {
        DynamicBatcher batcher = small.batcher(NAME);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // One task holds the model's thread; a second waits in the queue with 290 of the 300 tokens.
            pool.submit(() -> batcher.run(m -> {
                running.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }, 1, Long.MAX_VALUE));
            assertTrue(running.await(60, TimeUnit.SECONDS));
            Future<Object> queued = pool.submit(() -> batcher.run(m -> "done", 290, Long.MAX_VALUE));
            for (int i = 0; i < 6000 && batcher.queuedTokens() != 290; i++) {
                Thread.sleep(10);
            }
            assertEquals(290, batcher.queuedTokens());
            Reply r = post(small, "/embed", JSON.writeValueAsString(Map.of("inputs", SEEDS)));
            assertError(r, 429, "overloaded", "max queued tokens 300");
            assertEquals("1", r.raw().headers().firstValue("Retry-After").orElse(null));
            Reply openAi = post(small, "/v1/embeddings", JSON.writeValueAsString(Map.of("input", SEEDS)));
            assertOpenAiError(openAi, 429, "requests", null, "rate_limit_exceeded", "max queued tokens 300");
            assertEquals("1", openAi.raw().headers().firstValue("Retry-After").orElse(null));
            release.countDown();
            assertEquals("done", queued.get(60, TimeUnit.SECONDS));
        }
        // Once the queue drains, the same request is served.
        assertEquals(200, post(small, "/embed", JSON.writeValueAsString(Map.of("inputs", SEEDS))).status());
    }

    @Test
    void closeFinishesQueuedWorkThenRefuses() throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        EmbeddingServer s = EmbeddingServer.start(Map.of(NAME, model), null, ServerOptions.builder().port(0).build(),
                log::add);
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        for (int i = 0; i < 6000 && log.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertTrue(log.get(0).contains("\"GET /health HTTP/1.1\" 200"), log.toString());
        DynamicBatcher batcher = s.batcher(NAME);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<FloatMatrix> queued = pool.submit(() -> batcher.encode(SEEDS, new int[] {9, 9, 9},
                    EncodeOptions.defaults(), Long.MAX_VALUE));
            s.close();
            assertClose(model.encode(SEEDS).row(2), queued.get(60, TimeUnit.SECONDS).row(2), 1e-6);
        }
        ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> batcher.encode(SEEDS, new int[] {9, 9, 9}, EncodeOptions.defaults(), Long.MAX_VALUE));
        assertEquals(503, refused.status);
        assertFalse(refused.getMessage().isEmpty());
    }
}
