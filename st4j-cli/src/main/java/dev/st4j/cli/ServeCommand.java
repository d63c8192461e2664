package dev.st4j.cli;

import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.server.EmbeddingServer;
import dev.st4j.server.ServerOptions;
import java.io.PrintWriter;
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
                + "/similarity, /tokenize, /info, /health, /metrics) and OpenAI's (/v1/embeddings, /v1/models).",
            "Requests name a model in their 'model' field; without it the first --model answers. Ctrl-C stops "
                + "gracefully (requests in flight finish)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "[NAME=]MODEL", defaultValue = ModelOptions.DEFAULT_MODEL,
            description = "A model to serve (repeatable): hub id, short name or folder, optionally named as clients "
                    + "will send it (NAME=MODEL; default name: MODEL as given). Default: ${DEFAULT-VALUE}.")
    List<String> models = new ArrayList<>();

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "P", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--max-batch-tokens", paramLabel = "N", defaultValue = "16384",
            description = "Tokens per batch handed to the model (default: ${DEFAULT-VALUE}).")
    int maxBatchTokens;

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

    @Option(names = "--offline", description = "Use only local folders, embedded models and the hub cache.")
    boolean offline;

    @Option(names = "--access-log", description = "Print one access log line per request to standard output.")
    boolean accessLog;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static void positive(String flag, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(flag + " must be positive, got " + value);
        }
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
        positive("--max-client-batch", maxClientBatch);
        positive("--max-body-bytes", maxBodyBytes);
        if (maxQueuedTokens != null) {
            positive("--max-queued-tokens", maxQueuedTokens);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        ServerOptions.Builder b = ServerOptions.builder().host(host).port(port).maxBatchTokens(maxBatchTokens)
                .maxClientBatch(maxClientBatch).maxBodyBytes(maxBodyBytes);
        if (maxQueuedTokens != null) {
            b.maxQueuedTokens(maxQueuedTokens);
        }
        ServerOptions options = b.build();
        Map<String, String> specs = new LinkedHashMap<>();
        for (String s : models) {
            Map.Entry<String, String> e = nameAndModel(s);
            if (specs.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("--model: the name '" + e.getKey() + "' is given twice; name "
                        + "each model once (NAME=MODEL)");
            }
        }
        Map<String, SentenceTransformer> loaded = new LinkedHashMap<>();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            LoadOptions load = LoadOptions.builder().backend(backend).threads(threads).localFilesOnly(offline).build();
            for (var e : specs.entrySet()) {
                loaded.put(e.getKey(), SentenceTransformer.load(e.getValue(), load));
            }
            EmbeddingServer server = EmbeddingServer.start(loaded, null, options, accessLog ? line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            } : null);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "st4j-serve-stop"));
            out.println("st4j serve: " + loaded.keySet() + " on " + server.uri()
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
