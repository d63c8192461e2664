package dev.st4j.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.QuantizedEmbeddings;
import dev.st4j.Quantization;
import dev.st4j.backend.TokenBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes: TEI's ({@code /embed}, {@code /embed_all}, {@code /similarity}, {@code /tokenize}, {@code /decode},
 * {@code /info}, {@code /health}) and OpenAI's ({@code /v1/embeddings}, {@code /v1/models}), plus {@code /metrics}.
 * Each request runs on its own virtual thread: it reads and checks the body, tokenizes (off the model's thread),
 * waits for its rows from the model's queue, and writes the documented JSON. Refusals are TEI's error JSON on TEI's
 * routes and OpenAI's under {@code /v1/}.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String JSON = "application/json";

    private final Map<String, ModelSlot> models;
    private final ModelSlot defaultModel;
    private final ServerOptions options;
    private final PrometheusMeterRegistry metrics;
    /** Embedding requests read or being tokenized that have not queued their work yet (the batchers wait for them). */
    private final AtomicInteger preparing;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean stopping;

    /** A response: status, content type, body and an optional Retry-After. */
    private record Reply(int status, String contentType, byte[] body, int retryAfter) {
        static Reply json(byte[] body) {
            return new Reply(200, JSON, body, 0);
        }
    }

    ApiHandler(Map<String, ModelSlot> models, ModelSlot defaultModel, ServerOptions options,
            PrometheusMeterRegistry metrics, AtomicInteger preparing) {
        this.models = models;
        this.defaultModel = defaultModel;
        this.options = options;
        this.metrics = metrics;
        this.preparing = preparing;
    }

    /**
     * One request's deadline, and its place among the requests on their way to a queue: counted in
     * {@link #preparing} from arrival until its work is queued ({@link #queued()}) or it ends.
     */
    private final class Call implements AutoCloseable {
        final long deadline;
        private boolean counted;

        Call(long start, boolean embeds) {
            this.deadline = options.deadline(start);
            if (embeds) {
                counted = true;
                preparing.incrementAndGet();
            }
        }

        void queued() {
            if (counted) {
                counted = false;
                preparing.decrementAndGet();
            }
        }

        @Override
        public void close() {
            queued();
        }
    }

    void stopping() {
        stopping = true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = Request.getPathInContext(request);
        String route = knownRoute(path);
        // OpenAI clients read OpenAI's error object: everything under /v1/ answers in its shape, unknown paths too.
        boolean openAi = path.equals("/v1") || path.startsWith("/v1/");
        Reply reply;
        try (Call call = new Call(start, isEmbedding(route) && request.getMethod().equals("POST"))) {
            reply = route(request.getMethod(), route, request, call);
        } catch (ApiException e) {
            reply = error(e, openAi);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), path, e);
            reply = error(ApiException.backend("the server failed on this request: " + e), openAi);
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        if (reply.retryAfter() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(reply.retryAfter()));
        }
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        Timer.builder("st4j.http.requests").tag("route", route).tag("status", Integer.toString(reply.status()))
                .register(metrics).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return true;
    }

    private static String knownRoute(String path) {
        return switch (path) {
            case "/embed", "/embed_all", "/similarity", "/tokenize", "/decode", "/info", "/health", "/metrics",
                 "/v1/embeddings", "/v1/models" -> path;
            default -> "other";
        };
    }

    private static boolean isEmbedding(String route) {
        return switch (route) {
            case "/embed", "/similarity", "/v1/embeddings" -> true;
            default -> false;
        };
    }

    private Reply route(String method, String route, Request request, Call call) {
        boolean post = method.equals("POST");
        boolean get = method.equals("GET") || method.equals("HEAD");
        switch (route) {
            case "/embed", "/embed_all", "/similarity", "/tokenize", "/decode", "/v1/embeddings" -> {
                if (!post) {
                    throw ApiException.noRoute(405, route + " takes POST with a JSON body, not " + method);
                }
                if (stopping) {
                    throw ApiException.unavailable("the server is shutting down");
                }
                JsonRequest body = JsonRequest.parse(json, readBody(request));
                return Reply.json(switch (route) {
                    case "/embed" -> embed(body, call);
                    case "/embed_all" -> embedAll(body, call);
                    case "/similarity" -> similarity(body, call);
                    case "/tokenize" -> tokenize(body, call);
                    case "/decode" -> decode(body, call);
                    default -> openAiEmbeddings(body, call);
                });
            }
            case "/info", "/health", "/metrics", "/v1/models" -> {
                if (!get) {
                    throw ApiException.noRoute(405, route + " takes GET, not " + method);
                }
                return switch (route) {
                    case "/info" -> Reply.json(info(call));
                    case "/health" -> {
                        if (stopping) {
                            throw ApiException.unavailable("the server is shutting down");
                        }
                        yield new Reply(200, JSON, new byte[0], 0);
                    }
                    case "/metrics" -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8",
                            metrics.scrape().getBytes(StandardCharsets.UTF_8), 0);
                    default -> Reply.json(modelList());
                };
            }
            default -> throw ApiException.noRoute(404, "Invalid URL (" + method + " "
                    + Request.getPathInContext(request) + "): the server serves POST /embed, /embed_all, /similarity, "
                    + "/tokenize, /decode, /v1/embeddings and GET /info, /health, /metrics, /v1/models");
        }
    }

    // ------------------------------------------------------------------ reading requests

    private byte[] readBody(Request request) {
        long limit = options.maxBodyBytes();
        long declared = request.getLength();
        if (declared > limit) {
            throw bodyTooLarge(declared);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw bodyTooLarge(-1);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.invalid("the request body cannot be read: " + e.getMessage());
        }
    }

    private ApiException bodyTooLarge(long declared) {
        return ApiException.tooLarge("the request body" + (declared > 0 ? " (" + declared + " bytes)" : "")
                + " is larger than the max body size " + options.maxBodyBytes()
                + " bytes; send fewer or shorter inputs per request");
    }

    private ServedModel model(JsonRequest body, Call call) {
        String name = body.string("model", null);
        if (name == null) {
            return defaultModel.get(call.deadline);
        }
        ModelSlot m = models.get(name);
        if (m == null) {
            throw ApiException.unknownModel("field 'model': unknown model '" + name + "'; this server serves "
                    + models.keySet() + " (GET /v1/models)");
        }
        return m.get(call.deadline);
    }

    /** A checked encode request: the model, texts, library options, output precision and token counts. */
    private record EncodeCall(ServedModel model, List<String> texts, EncodeOptions options, Precision precision,
            int[] tokens) {
        long totalTokens() {
            long s = 0;
            for (int t : tokens) {
                s += t;
            }
            return s;
        }
    }

    private EncodeCall encodeCall(JsonRequest body, Call call, String textsField, boolean normalizeDefault) {
        ServedModel m = model(body, call);
        List<String> texts = body.texts(textsField);
        return encodeCall(body, m, texts, textsField, normalizeDefault);
    }

    private EncodeCall encodeCall(JsonRequest body, ServedModel m, List<String> texts, String textsField,
            boolean normalizeDefault) {
        if (texts.size() > options.maxClientBatch()) {
            throw ApiException.tooLarge("field '" + textsField + "' holds " + texts.size()
                    + " texts, more than the max client batch " + options.maxClientBatch()
                    + " (st4j serve --max-client-batch); split the request");
        }
        boolean normalize = body.bool("normalize", normalizeDefault);
        boolean truncate = body.bool("truncate", true);
        String direction = body.string("truncation_direction", "right").toLowerCase(Locale.ROOT);
        if (!direction.equals("right") && !direction.equals("left")) {
            throw ApiException.invalid("field 'truncation_direction' must be \"Right\" or \"Left\", got \""
                    + body.string("truncation_direction", null) + "\"");
        }
        String promptName = body.string("prompt_name", null);
        if (promptName != null && !m.model.getPrompts().containsKey(promptName)) {
            throw ApiException.invalid("field 'prompt_name': model '" + m.name + "' has no prompt '" + promptName
                    + "'; its prompts are " + m.model.getPrompts().keySet());
        }
        Integer dimensions = body.positiveInt("dimensions");
        if (dimensions != null && dimensions > m.dimension) {
            throw ApiException.invalid("field 'dimensions' is " + dimensions + ", larger than model '" + m.name
                    + "' gives (" + m.dimension + "); send at most " + m.dimension);
        }
        Precision precision = precision(body);
        int[] tokens = tokenCounts(m, texts);
        if (m.maxSeqLength.isPresent() && (!truncate || direction.equals("left"))) {
            // TEI's rule: a text of at most max_input_length tokens (special tokens included) fits as it is. The
            // counts above are after truncation, so a text at the limit is counted again without it.
            int max = m.maxSeqLength.getAsInt();
            for (int i = 0; i < tokens.length; i++) {
                int full = tokens[i] < max ? tokens[i] : untruncatedLength(m, texts.get(i));
                if (full > max) {
                    throw !truncate
                            ? ApiException.tooLarge("field '" + textsField + "[" + i + "]' has " + full + " tokens, "
                                    + "more than the model's max input length of " + max + " tokens, and 'truncate' "
                                    + "is false; send a shorter text or set \"truncate\": true")
                            : ApiException.invalid("field 'truncation_direction': \"Left\" is not supported for "
                                    + "texts longer than the max input length (" + max + " tokens, '" + textsField
                                    + "[" + i + "]'); st4j truncates on the model's side: send \"Right\"");
                }
            }
        }
        EncodeOptions o = EncodeOptions.builder().normalizeEmbeddings(normalize).promptName(promptName)
                .truncateDim(dimensions).build();
        return new EncodeCall(m, texts, o, precision, tokens);
    }

    private static Precision precision(JsonRequest body) {
        String p = body.string("precision", "float32");
        try {
            return Precision.fromName(p.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("field 'precision' must be one of float32, int8, uint8, binary, ubinary; got \""
                    + p + "\"");
        }
    }

    private static int untruncatedLength(ServedModel m, String text) {
        try {
            return m.tokenizer.untruncatedLength(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    /** Token counts per text as the model's tokenizer cuts them (run on the request's thread). */
    private static int[] tokenCounts(ServedModel m, List<String> texts) {
        try {
            return m.model.tokenize(texts).lengths();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ routes

    private byte[] embed(JsonRequest body, Call c) {
        EncodeCall call = encodeCall(body, c, "inputs", true);
        c.queued();
        FloatMatrix floats = call.model.batcher.encode(call.texts, call.tokens, call.options, c.deadline);
        count(call);
        return write(g -> {
            g.writeStartArray();
            if (call.precision == Precision.FLOAT32) {
                for (int r = 0; r < floats.rows(); r++) {
                    writeFloats(g, floats.row(r));
                }
            } else {
                QuantizedEmbeddings q = Quantization.quantize(floats, call.precision);
                for (int r = 0; r < q.rows(); r++) {
                    writeInts(g, q, r);
                }
            }
            g.writeEndArray();
        });
    }

    private byte[] openAiEmbeddings(JsonRequest body, Call c) {
        EncodeCall call = encodeCall(body, c, "input", true);
        String format = body.string("encoding_format", "float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("field 'encoding_format' must be \"float\" or \"base64\", got \"" + format + "\"");
        }
        c.queued();
        FloatMatrix floats = call.model.batcher.encode(call.texts, call.tokens, call.options, c.deadline);
        count(call);
        QuantizedEmbeddings q = call.precision == Precision.FLOAT32 ? null : Quantization.quantize(floats, call.precision);
        long tokens = call.totalTokens();
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int r = 0; r < floats.rows(); r++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeFieldName("embedding");
                if (format.equals("base64")) {
                    g.writeString(Base64.getEncoder().encodeToString(q == null ? littleEndian(floats.row(r)) : q.row(r)));
                } else if (q == null) {
                    writeFloats(g, floats.row(r));
                } else {
                    writeInts(g, q, r);
                }
                g.writeNumberField("index", r);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", call.model.name);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", tokens);
            g.writeNumberField("total_tokens", tokens);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private byte[] embedAll(JsonRequest body, Call c) {
        EncodeCall call = encodeCall(body, c, "inputs", false);
        List<FloatMatrix> tokens = call.model.batcher.run(
                model -> model.encodeTokens(call.texts, call.options), call.totalTokens(), c.deadline);
        count(call);
        return write(g -> {
            g.writeStartArray();
            for (FloatMatrix t : tokens) {
                g.writeStartArray();
                for (int r = 0; r < t.rows(); r++) {
                    writeFloats(g, t.row(r));
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        });
    }

    private byte[] similarity(JsonRequest body, Call c) {
        ServedModel m = model(body, c);
        JsonNode inputs = body.node("inputs");
        if (inputs == null || !inputs.isObject()) {
            throw ApiException.invalid("field 'inputs' must be an object {\"source_sentence\": text, "
                    + "\"sentences\": [texts]}, got " + (inputs == null ? "nothing" : JsonRequest.kind(inputs)));
        }
        JsonNode source = inputs.get("source_sentence");
        if (source == null || !source.isTextual()) {
            throw ApiException.invalid("field 'inputs.source_sentence' must be a string");
        }
        JsonNode sentences = inputs.get("sentences");
        if (sentences == null || !sentences.isArray()) {
            throw ApiException.invalid("field 'inputs.sentences' must be a list of strings");
        }
        List<String> texts = new ArrayList<>();
        texts.addAll(JsonRequest.texts("inputs.source_sentence", source));
        texts.addAll(JsonRequest.texts("inputs.sentences", sentences));
        EncodeCall call = encodeCall(body, m, texts, "inputs.sentences", true);
        c.queued();
        FloatMatrix all = call.model.batcher.encode(call.texts, call.tokens, call.options, c.deadline);
        count(call);
        float[] rest = new float[(all.rows() - 1) * all.cols()];
        for (int r = 1; r < all.rows(); r++) {
            System.arraycopy(all.row(r), 0, rest, (r - 1) * all.cols(), all.cols());
        }
        FloatMatrix scores = m.model.similarity(all.row(0), FloatMatrix.of(all.rows() - 1, all.cols(), rest));
        return write(g -> writeFloats(g, scores.row(0)));
    }

    private byte[] tokenize(JsonRequest body, Call c) {
        ServedModel m = model(body, c);
        List<String> texts = body.texts("inputs");
        if (texts.size() > options.maxClientBatch()) {
            throw ApiException.tooLarge("field 'inputs' holds " + texts.size() + " texts, more than the max client "
                    + "batch " + options.maxClientBatch() + " (st4j serve --max-client-batch); split the request");
        }
        boolean special = body.bool("add_special_tokens", true);
        String promptName = body.string("prompt_name", null);
        String prompt = "";
        if (promptName != null) {
            prompt = m.model.getPrompts().get(promptName);
            if (prompt == null) {
                throw ApiException.invalid("field 'prompt_name': model '" + m.name + "' has no prompt '" + promptName
                        + "'; its prompts are " + m.model.getPrompts().keySet());
            }
        }
        String p = prompt;
        return write(g -> {
            g.writeStartArray();
            for (String text : texts) {
                String full = p + text;
                TokenBatch batch = m.model.tokenize(List.of(full));
                List<String> strings = m.model.tokens(full);
                int n = batch.lengths()[0];
                int first = batch.firstRealToken(0);
                // The special tokens are the runs at either end that the tokenizer adds to every text.
                int lead = 0;
                while (lead < n && m.specialTokens.contains(strings.get(lead))) {
                    lead++;
                }
                int trail = 0;
                while (trail < n - lead && m.specialTokens.contains(strings.get(n - 1 - trail))) {
                    trail++;
                }
                g.writeStartArray();
                for (int i = 0; i < n; i++) {
                    boolean isSpecial = i < lead || i >= n - trail;
                    if (isSpecial && !special) {
                        continue;
                    }
                    g.writeStartObject();
                    g.writeNumberField("id", batch.inputIds()[first + i]);
                    g.writeStringField("text", strings.get(i));
                    g.writeBooleanField("special", isSpecial);
                    g.writeNullField("start");
                    g.writeNullField("stop");
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        });
    }

    /** TEI's {@code /decode}: {@code ids} as one list or a list of lists; answers one text per list. */
    private byte[] decode(JsonRequest body, Call c) {
        ServedModel m = model(body, c);
        JsonNode ids = body.node("ids");
        if (ids == null || !ids.isArray()) {
            throw ApiException.invalid("field 'ids' is required: a list of token ids, or a list of such lists"
                    + (ids == null ? "" : ", got " + JsonRequest.kind(ids)));
        }
        boolean batch = !ids.isEmpty() && ids.get(0).isArray();
        List<int[]> lists = new ArrayList<>();
        if (batch) {
            if (ids.size() > options.maxClientBatch()) {
                throw ApiException.tooLarge("field 'ids' holds " + ids.size() + " lists, more than the max client "
                        + "batch " + options.maxClientBatch() + " (st4j serve --max-client-batch); split the request");
            }
            for (int i = 0; i < ids.size(); i++) {
                if (!ids.get(i).isArray()) {
                    throw ApiException.invalid("field 'ids[" + i + "]' must be a list of token ids, got "
                            + JsonRequest.kind(ids.get(i)) + " (send one list, or a list of lists)");
                }
                lists.add(tokenIds("ids[" + i + "]", ids.get(i)));
            }
        } else {
            lists.add(tokenIds("ids", ids));
        }
        boolean skip = body.bool("skip_special_tokens", true);
        return write(g -> {
            g.writeStartArray();
            for (int[] list : lists) {
                g.writeString(decode(m, list, skip));
            }
            g.writeEndArray();
        });
    }

    private static int[] tokenIds(String field, JsonNode list) {
        if (list.isEmpty()) {
            throw ApiException.invalid("field '" + field + "' is an empty list; send at least one token id");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = list.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
                throw ApiException.invalid("field '" + field + "[" + i + "]' must be a token id (an integer 0 or "
                        + "more), got " + (n.isNumber() ? n.asText() : JsonRequest.kind(n)));
            }
            out[i] = n.asInt();
        }
        return out;
    }

    private static String decode(ServedModel m, int[] ids, boolean skipSpecialTokens) {
        try {
            return m.tokenizer.decode(ids, skipSpecialTokens);
        } catch (dev.st4j.UnsupportedModelException e) {
            throw ApiException.invalid("model '" + m.name + "' cannot decode ids: " + e.getMessage());
        }
    }

    private byte[] info(Call call) {
        ServedModel m = defaultModel.get(call.deadline);
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("model_id", m.name);
            g.writeNullField("model_sha");
            g.writeStringField("model_dtype", "float32");
            g.writeObjectFieldStart("model_type");
            g.writeObjectFieldStart("embedding");
            g.writeStringField("pooling", m.pooling());
            g.writeEndObject();
            g.writeEndObject();
            g.writeNumberField("max_concurrent_requests", options.maxConcurrentRequests());
            if (m.maxSeqLength.isPresent()) {
                g.writeNumberField("max_input_length", m.maxSeqLength.getAsInt());
            } else {
                g.writeNullField("max_input_length");
            }
            g.writeNumberField("max_batch_tokens", options.maxBatchTokens());
            g.writeNumberField("max_batch_requests", options.maxBatchRequests());
            g.writeNumberField("max_client_batch_size", options.maxClientBatch());
            g.writeBooleanField("auto_truncate", true);
            g.writeNumberField("tokenization_workers", options.maxConcurrentRequests());
            g.writeStringField("version", "st4j-0.1.0");
            g.writeNullField("sha");
            g.writeNullField("docker_label");
            g.writeArrayFieldStart("models");
            for (String name : models.keySet()) {
                g.writeString(name);
            }
            g.writeEndArray();
            g.writeNumberField("dimension", m.dimension);
            g.writeEndObject();
        });
    }

    private byte[] modelList() {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            // Lazy models are listed before they load: a client may name them in its first request.
            for (String name : models.keySet()) {
                g.writeStartObject();
                g.writeStringField("id", name);
                g.writeStringField("object", "model");
                g.writeNumberField("created", 0);
                g.writeStringField("owned_by", "st4j");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ------------------------------------------------------------------ writing responses

    private void count(EncodeCall call) {
        Counter.builder("st4j.inputs").tag("model", call.model.name).register(metrics).increment(call.texts.size());
        Counter.builder("st4j.tokens").tag("model", call.model.name).register(metrics).increment(call.totalTokens());
    }

    /** TEI's {@code {"error", "error_type"}}, or OpenAI's {@code {"error": {"message", "type", "param", "code"}}}. */
    private Reply error(ApiException e, boolean openAi) {
        byte[] body = write(g -> {
            g.writeStartObject();
            if (openAi) {
                g.writeObjectFieldStart("error");
                g.writeStringField("message", e.getMessage());
                g.writeStringField("type", e.openAiType);
                g.writeStringField("param", e.param());
                g.writeStringField("code", e.openAiCode);
                g.writeEndObject();
            } else {
                g.writeStringField("error", e.getMessage());
                g.writeStringField("error_type", e.errorType);
            }
            g.writeEndObject();
        });
        return new Reply(openAi ? e.openAiStatus : e.status, JSON, body, e.retryAfterSeconds);
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] write(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeFloats(JsonGenerator g, float[] row) throws IOException {
        g.writeStartArray();
        for (float v : row) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    private static void writeInts(JsonGenerator g, QuantizedEmbeddings q, int row) throws IOException {
        g.writeStartArray();
        for (int c = 0; c < q.cols(); c++) {
            g.writeNumber(q.get(row, c));
        }
        g.writeEndArray();
    }

    /** OpenAI's base64 embeddings: the float32 values, little-endian, as numpy's {@code frombuffer} reads them. */
    private static byte[] littleEndian(float[] row) {
        ByteBuffer b = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : row) {
            b.putFloat(v);
        }
        return b.array();
    }
}
