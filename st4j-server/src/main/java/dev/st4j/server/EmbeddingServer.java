package dev.st4j.server;

import dev.st4j.SentenceTransformer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server with text-embeddings-inference's and OpenAI's embedding APIs over loaded models (Jetty core
 * handlers, one virtual thread per request, a dynamic batcher per model, Prometheus metrics at {@code /metrics},
 * access logs through SLF4J logger {@code st4j.access}).
 *
 * <pre>{@code
 * try (var model = SentenceTransformer.load("all-MiniLM-L6-v2");
 *      var server = EmbeddingServer.start(Map.of("all-MiniLM-L6-v2", model), null, ServerOptions.builder().build())) {
 *     server.join();
 * }
 * }</pre>
 *
 * The server does not own the models: close them after the server.
 */
public final class EmbeddingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final ApiHandler handler;
    private final Map<String, ModelSlot> models;
    private final ServerOptions options;

    private EmbeddingServer(Server jetty, ServerConnector connector, ApiHandler handler,
            Map<String, ModelSlot> models, ServerOptions options) {
        this.jetty = jetty;
        this.connector = connector;
        this.handler = handler;
        this.models = models;
        this.options = options;
    }

    /**
     * Starts serving. {@code models} maps the names clients send in {@code model} to loaded models (in order);
     * {@code defaultModel} answers requests without {@code model} (null: the first).
     */
    public static EmbeddingServer start(Map<String, SentenceTransformer> models, String defaultModel,
            ServerOptions options) {
        return start(models, defaultModel, options, null);
    }

    /**
     * As {@link #start(Map, String, ServerOptions)}, with access log lines (NCSA extended format plus the time
     * taken) sent to {@code accessLog} instead of the SLF4J logger {@code st4j.access}.
     */
    public static EmbeddingServer start(Map<String, SentenceTransformer> models, String defaultModel,
            ServerOptions options, Consumer<String> accessLog) {
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("serve at least one model: st4j serve --model M");
        }
        Map<String, ModelSource> sources = new LinkedHashMap<>();
        models.forEach((name, model) -> sources.put(name, ModelSource.of(model)));
        return serve(sources, defaultModel, options, accessLog);
    }

    /**
     * Starts serving models that are loaded already or load on their first request ({@link ModelSource#lazy}); the
     * server closes the models it loaded. {@code accessLog} may be null (SLF4J logger {@code st4j.access}).
     */
    public static EmbeddingServer serve(Map<String, ModelSource> models, String defaultModel, ServerOptions options,
            Consumer<String> accessLog) {
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("serve at least one model: st4j serve --model M");
        }
        if (defaultModel != null && !models.containsKey(defaultModel)) {
            throw new IllegalArgumentException("default model '" + defaultModel + "' is not among " + models.keySet());
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicInteger preparing = new AtomicInteger();
        Map<String, ModelSlot> served = new LinkedHashMap<>();
        models.forEach((name, source) -> served.put(name, new ModelSlot(name, source, model -> new ServedModel(name,
                model, new DynamicBatcher(name, model, options.maxBatchTokens(), options.maxBatchRequests(),
                        options.maxQueuedTokens(), metrics,
                        preparing::get)))));
        ModelSlot fallback = served.get(defaultModel != null ? defaultModel : served.keySet().iterator().next());

        VirtualThreadPool threads = new VirtualThreadPool(options.maxConcurrentRequests());
        threads.setName("st4j-http");
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(options.host());
        connector.setPort(options.port());
        jetty.addConnector(connector);
        ApiHandler api = new ApiHandler(served, fallback, options, metrics, preparing);
        // GracefulHandler lets requests in flight finish on stop (they wait for their queued rows) and refuses new ones.
        jetty.setHandler(new GracefulHandler(api));
        jetty.setStopTimeout(options.stopTimeout().toMillis());
        RequestLog.Writer writer = null;
        if (accessLog != null) {
            writer = accessLog::accept;
        } else if (LoggerFactory.getLogger("st4j.access").isInfoEnabled()) {
            Slf4jRequestLogWriter slf4j = new Slf4jRequestLogWriter();
            slf4j.setLoggerName("st4j.access");
            writer = slf4j;
        }
        if (writer != null) { // no line is formatted for a logger that drops it
            jetty.setRequestLog(new CustomRequestLog(writer, CustomRequestLog.EXTENDED_NCSA_FORMAT + " %{ms}T ms"));
        }
        EmbeddingServer server = new EmbeddingServer(jetty, connector, api, served, options);
        try {
            jetty.start();
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage() + " (choose another --port or --host)", e);
        }
        LOG.info("serving {} on http://{}:{}", served.keySet(), options.host(), server.port());
        return server;
    }

    /** The port the server listens on (the chosen one when the options said 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port}. */
    public URI uri() {
        return URI.create("http://" + options.host() + ":" + port());
    }

    /** The queue of one served model, loading it if needed (tests hold it to fill the queue). */
    DynamicBatcher batcher(String model) {
        return models.get(model).get(Long.MAX_VALUE).batcher;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops gracefully: new requests get 503, requests in flight (and the work they queued) finish within the stop
     * timeout, then each model's queue is drained and its thread ends; models the server loaded lazily are closed.
     */
    @Override
    public void close() {
        handler.stopping();
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        for (ModelSlot m : models.values()) {
            m.close(options.stopTimeout().toMillis());
        }
    }
}
