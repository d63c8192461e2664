package dev.st4j.cli;

import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.server.EmbeddingServer;
import dev.st4j.server.ModelSource;
import dev.st4j.server.ServerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code st4j serve}: text-embeddings-inference's and OpenAI's embedding APIs over HTTP. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve models over HTTP with text-embeddings-inference's routes (/embed, /embed_all, "
                + "/similarity, /tokenize, /decode, /info, /health, /metrics) and OpenAI's (/v1/embeddings, /v1/models).",
            "Requests name a model in their 'model' field; without it the first --model answers. Ctrl-C stops "
                + "gracefully (requests in flight finish)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "[NAME=]MODEL", defaultValue = ModelOptions.DEFAULT_MODEL,
            description = "A model to serve (repeatable): hub id, short name or folder, optionally named as clients "
                    + "will send it (NAME=MODEL; default name: MODEL as given). Default: ${DEFAULT-VALUE}.")
    List<String> models = new ArrayList<>();

    @Option(names = "--lazy-model", paramLabel = "[NAME=]MODEL",
            description = "A model to serve that loads on the first request naming it (repeatable); listed at "
                    + "GET /v1/models before it loads. Without --model, only these are served.")
    List<String> lazyModels = new ArrayList<>();

    @Option(names = "--lazy", description = "Load every --model on its first request instead of at start.")
    boolean lazy;

    @Option(names = "--request-timeout", paramLabel = "T",
            description = "Longest time one request may wait for a model to load, in the queue and in inference "
                    + "(e.g. 30s, 500ms, 2m; plain numbers are seconds): past it the request gets 503 (its queued "
                    + "work is dropped) or 504. Default: no limit.")
    String requestTimeout;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "P", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--max-batch-tokens", paramLabel = "N", defaultValue = "16384",
            description = "Tokens per batch handed to the model (default: ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(names = "--max-batch-requests", paramLabel = "N", defaultValue = "32",
            description = "Texts per forward pass; each pass answers its requests as it ends (default: ${DEFAULT-VALUE}).")
    int maxBatchRequests;

    @Option(names = "--max-client-batch", paramLabel = "N", defaultValue = "2048",
            description = "Inputs one request may hold; larger requests get 413 (default: ${DEFAULT-VALUE}). "
                    + "Requests larger than a batch are split and answered in order.")
    int maxClientBatch;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "8388608",
            description = "Request body limit; larger bodies get 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-queued-tokens", paramLabel = "N",
            description = "Tokens queued per model before requests get 429 with Retry-After (default: 64 batches).")
    Long maxQueuedTokens;

    @Option(names = "--backend", paramLabel = "java|onnx", description = "Inference backend (default: chosen per model).")
    String backend;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Threads per forward pass (default: all cores).")
    int threads;

    @Option(names = "--device", paramLabel = "cpu|cuda|cuda:N",
            description = "Where the models' transformers run (default: cpu); CUDA needs the onnx backend and "
                    + "com.microsoft.onnxruntime:onnxruntime_gpu on the class path.")
    String device;

    @Option(names = "--offline", description = "Use only local folders, embedded models and the hub cache.")
    boolean offline;

    @Option(names = "--access-log", description = "Print one access log line per request to standard output.")
    boolean accessLog;

    @Option(names = "--replace-unpaired-surrogates",
            description = "Tokenize a text holding an unpaired UTF-16 surrogate with U+FFFD in its place instead of "
                    + "refusing it with a 422 (the default, as Python does).")
    boolean replaceUnpairedSurrogates;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static void positive(String flag, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(flag + " must be positive, got " + value);
        }
    }

    private static void addSpec(Map<String, String> specs, Map<String, Boolean> lazyByName, String spec,
            boolean lazy, String flag) {
        Map.Entry<String, String> e = nameAndModel(spec);
        if (specs.put(e.getKey(), e.getValue()) != null) {
            throw new IllegalArgumentException(flag + ": the name '" + e.getKey() + "' is given twice; name each "
                    + "model once (NAME=MODEL)");
        }
        lazyByName.put(e.getKey(), lazy);
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, or a plain number of seconds. */
    static Duration duration(String flag, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?")
                .matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " must be a duration such as 30s, 500ms or 2m, got '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millis = Math.round(value * switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            default -> 1_000;
        });
        if (millis <= 0) {
            throw new IllegalArgumentException(flag + " must be at least 1ms, got '" + text + "'");
        }
        return Duration.ofMillis(millis);
    }

    /** Splits {@code NAME=MODEL}; a plain MODEL is named as given. */
    static Map.Entry<String, String> nameAndModel(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            return Map.entry(spec, spec);
        }
        String name = spec.substring(0, eq).strip();
        String model = spec.substring(eq + 1).strip();
        if (name.isEmpty() || model.isEmpty()) {
            throw new IllegalArgumentException("--model " + spec + ": write NAME=MODEL, e.g. --model small=all-MiniLM-L6-v2");
        }
        return Map.entry(name, model);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        positive("--max-batch-tokens", maxBatchTokens);
        positive("--max-batch-requests", maxBatchRequests);
        positive("--max-client-batch", maxClientBatch);
        positive("--max-body-bytes", maxBodyBytes);
        if (maxQueuedTokens != null) {
            positive("--max-queued-tokens", maxQueuedTokens);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (device != null) {
            dev.st4j.backend.Device.parse(device, "--device"); // a bad one named by its flag
        }
        ServerOptions.Builder b = ServerOptions.builder().host(host).port(port).maxBatchTokens(maxBatchTokens)
                .maxBatchRequests(maxBatchRequests).maxClientBatch(maxClientBatch).maxBodyBytes(maxBodyBytes)
                .requestTimeout(requestTimeout == null ? null : duration("--request-timeout", requestTimeout));
        if (maxQueuedTokens != null) {
            b.maxQueuedTokens(maxQueuedTokens);
        }
        ServerOptions options = b.build();
        boolean explicitModels = spec.commandLine().getParseResult() == null
                || spec.commandLine().getParseResult().hasMatchedOption("--model");
        List<String> eager = explicitModels || lazyModels.isEmpty() ? models : List.of();
        Map<String, String> specs = new LinkedHashMap<>();
        Map<String, Boolean> lazyByName = new LinkedHashMap<>();
        for (String s : eager) {
            addSpec(specs, lazyByName, s, lazy, "--model");
        }
        for (String s : lazyModels) {
            addSpec(specs, lazyByName, s, true, "--lazy-model");
        }
        Map<String, SentenceTransformer> loaded = new LinkedHashMap<>();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            LoadOptions load = LoadOptions.builder().backend(backend).threads(threads).device(device)
                    .localFilesOnly(offline)
                    .replaceUnpairedSurrogates(replaceUnpairedSurrogates).build();
            Map<String, ModelSource> sources = new LinkedHashMap<>();
            for (var e : specs.entrySet()) {
                String model = e.getValue();
                if (lazyByName.get(e.getKey())) {
                    sources.put(e.getKey(), ModelSource.lazy(() -> SentenceTransformer.load(model, load)));
                } else {
                    SentenceTransformer m = SentenceTransformer.load(model, load);
                    loaded.put(e.getKey(), m);
                    sources.put(e.getKey(), ModelSource.of(m));
                }
            }
            EmbeddingServer server = EmbeddingServer.serve(sources, null, options, accessLog ? line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            } : null);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "st4j-serve-stop"));
            out.println("st4j serve: " + specs.keySet() + (loaded.size() < specs.size() ? " (lazy: "
                    + lazyByName.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList() + ")"
                    : "") + " on " + server.uri()
                    + " (POST /embed, /v1/embeddings; GET /info, /health, /metrics)");
            out.flush();
            server.join();
            stopped.await();
        } finally {
            loaded.values().forEach(SentenceTransformer::close);
        }
        return 0;
    }
}
