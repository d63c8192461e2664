package dev.st4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.EncodeOptions;
import dev.st4j.SentenceTransformer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load generator for {@code st4j serve}, run as a second process on the same machine: 1, 8 and 64 concurrent
 * clients each send single-text {@code /v1/embeddings} requests (texts from the throughput corpus) in a closed
 * loop, bounded by a request count and a time limit per level. Reports requests/s, p50/p99 latency, and counts of
 * 200s, 429s and anything else; each 200 is checked to carry one vector at index 0 of the served width. Then, with
 * the server idle, the same texts encoded in this process give the in-process rate to compare with.
 *
 * <p>Loopback only: a URL whose host is not a loopback address is refused.
 * <pre>
 * ./st4j serve --port 18080 &amp;
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --add-modules jdk.incubator.vector \
 *     -cp 'st4j-bench/target/st4j-bench.jar:st4j-bench/target/lib/*' dev.st4j.bench.ServerLoad \
 *     --url=http://127.0.0.1:18080 --clients=1,8,64 --requests=2000 --seconds=60
 * </pre>
 */
public final class ServerLoad {
    private ServerLoad() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("url", "http://127.0.0.1:8080", "clients", "1,8,64",
                "requests", "2000", "seconds", "60", "inprocess", "true"));
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt.keySet());
            }
            opt.put(kv[0], kv[1]);
        }
        URI base = URI.create(opt.get("url"));
        if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("--url must point at this machine (127.0.0.1, localhost, [::1]), got "
                    + base);
        }
        int requests = Integer.parseInt(opt.get("requests"));
        long seconds = Long.parseLong(opt.get("seconds"));
        List<String> corpus = Throughput.corpus();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ObjectMapper json = new ObjectMapper();
        JsonNode info = json.readTree(http.send(HttpRequest.newBuilder(base.resolve("/info")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
        int width = info.get("dimension").asInt();
        System.out.printf("server %s (%s, width %d); load average %s; %d cores%n", base,
                info.get("model_id").asText(), width, Throughput.loadAverage(), Runtime.getRuntime().availableProcessors());
        for (String c : opt.get("clients").split(",")) {
            run(http, json, base, corpus, Integer.parseInt(c.strip()), requests, seconds, width);
        }
        if (Boolean.parseBoolean(opt.get("inprocess"))) {
            inProcess(info.get("model_id").asText(), corpus.subList(0, Math.min(corpus.size(), requests)));
        }
        System.out.printf("load average after: %s%n", Throughput.loadAverage());
    }

    private static void run(HttpClient http, ObjectMapper json, URI base, List<String> corpus, int clients,
            int requests, long seconds, int width) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long[] latencies = new long[requests];
        AtomicInteger done = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder malformed = new LongAdder();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        String text = corpus.get(i % corpus.size());
                        byte[] body = json.writeValueAsBytes(Map.of("input", text));
                        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
                                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                        long t0 = System.nanoTime();
                        int status;
                        try {
                            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                            status = r.statusCode();
                            if (status == 200) {
                                JsonNode data = json.readTree(r.body()).get("data");
                                if (data.size() != 1 || data.get(0).get("index").asInt() != 0
                                        || data.get(0).get("embedding").size() != width) {
                                    malformed.increment();
                                }
                            }
                        } catch (java.io.IOException e) {
                            status = -1;
                        }
                        latencies[done.getAndIncrement()] = System.nanoTime() - t0;
                        statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = done.get();
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf("clients %3d: %5d requests in %6.1f s = %7.1f req/s; p50 %7.1f ms, p99 %7.1f ms; "
                        + "statuses %s; malformed %d%n", clients, n, elapsed, n / elapsed,
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, statuses, malformed.sum());
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void inProcess(String model, List<String> texts) {
        try (SentenceTransformer m = SentenceTransformer.load(model)) {
            m.encode(texts.subList(0, Math.min(64, texts.size())));
            long t0 = System.nanoTime();
            m.encode(texts, EncodeOptions.builder().normalizeEmbeddings(true).build());
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("in-process encode of the same %d texts (batch 32): %.1f s = %.1f texts/s%n",
                    texts.size(), s, texts.size() / s);
        }
    }
}
