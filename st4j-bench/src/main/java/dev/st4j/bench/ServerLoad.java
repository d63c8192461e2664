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
 * the server idle, the same texts encoded in this process give the in-process rate to compare with. With
 * {@code --server-pid} it also reports CPU milliseconds per request of the server and of itself (and per text of the
 * in-process encode): on a shared machine these hold still where requests/s do not. {@code --http=urlconnection}
 * (default: blocking {@code HttpURLConnection} with keep-alive, one pooled connection per client, the cheapest JDK
 * client measured) or {@code --http=httpclient} ({@code java.net.http.HttpClient}, HTTP/1.1).
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
                "requests", "2000", "seconds", "60", "inprocess", "true", "server-pid", "0",
                "http", "urlconnection"));
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt.keySet());
            }
            opt.put(kv[0], kv[1]);
        }
        URI base = URI.create(opt.get("url"));
        // HttpURLConnection keeps up to http.maxConnections idle connections per server (5 by default): one per client.
        System.setProperty("http.maxConnections", "256");
        if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("--url must point at this machine (127.0.0.1, localhost, [::1]), got "
                    + base);
        }
        int requests = Integer.parseInt(opt.get("requests"));
        long serverPid = Long.parseLong(opt.get("server-pid"));
        if (!opt.get("http").equals("urlconnection") && !opt.get("http").equals("httpclient")) {
            throw new IllegalArgumentException("--http must be urlconnection or httpclient, got " + opt.get("http"));
        }
        long seconds = Long.parseLong(opt.get("seconds"));
        List<String> corpus = Throughput.corpus();
        // HTTP/1.1 with keep-alive, as TEI and OpenAI clients talk to a plain-HTTP server (no h2c upgrade attempts).
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ObjectMapper json = new ObjectMapper();
        JsonNode info = json.readTree(http.send(HttpRequest.newBuilder(base.resolve("/info")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
        int width = info.get("dimension").asInt();
        System.out.printf("server %s (%s, width %d); load average %s; %d cores%n", base,
                info.get("model_id").asText(), width, Throughput.loadAverage(), Runtime.getRuntime().availableProcessors());
        for (String c : opt.get("clients").split(",")) {
            run(http, json, base, corpus, Integer.parseInt(c.strip()), requests, seconds, width, serverPid,
                    opt.get("http").equals("urlconnection"));
        }
        if (Boolean.parseBoolean(opt.get("inprocess"))) {
            inProcess(info.get("model_id").asText(), corpus.subList(0, Math.min(corpus.size(), requests)));
        }
        System.out.printf("load average after: %s%n", Throughput.loadAverage());
    }

    /** CPU time a process has used so far, in ms (-1 when unknown): comparable across a busy, shared machine. */
    static long cpuMillis(long pid) {
        if (pid <= 0) {
            return -1;
        }
        // Linux: utime + stime of /proc/PID/stat, in clock ticks of 10 ms (the fields after the parenthesized name).
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (java.io.IOException | RuntimeException e) {
            return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(java.time.Duration::toMillis)
                    .orElse(-1L);
        }
    }

    private static void run(HttpClient http, ObjectMapper json, URI base, List<String> corpus, int clients,
            int requests, long seconds, int width, long serverPid, boolean urlConnection) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long[] latencies = new long[requests];
        AtomicInteger done = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder malformed = new LongAdder();
        // The generator shares the server's cores: bodies are written once, and answers are checked by streaming.
        byte[][] bodies = new byte[Math.min(requests, corpus.size())][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = json.writeValueAsBytes(Map.of("input", corpus.get(i)));
        }
        URI endpoint = base.resolve("/v1/embeddings");
        java.net.URL url = endpoint.toURL();
        long serverCpu0 = cpuMillis(serverPid);
        long clientCpu0 = cpuMillis(ProcessHandle.current().pid());
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        byte[] body = bodies[i % bodies.length];
                        long t0 = System.nanoTime();
                        int status;
                        try {
                            byte[] answer;
                            if (urlConnection) {
                                java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
                                c.setRequestMethod("POST");
                                c.setDoOutput(true);
                                c.setConnectTimeout(10_000);
                                c.setReadTimeout(120_000);
                                c.setRequestProperty("Content-Type", "application/json");
                                c.setFixedLengthStreamingMode(body.length);
                                try (var out = c.getOutputStream()) {
                                    out.write(body);
                                }
                                status = c.getResponseCode();
                                // Reading each answer to its end (error bodies too) returns the connection to the pool.
                                try (var in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                                    answer = in == null ? new byte[0] : in.readAllBytes();
                                }
                            } else {
                                HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(120))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                                HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                                status = r.statusCode();
                                answer = r.body();
                            }
                            if (status == 200 && !oneVector(json, answer, width)) {
                                malformed.increment();
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
        long serverCpu = serverPid > 0 ? cpuMillis(serverPid) - serverCpu0 : -1;
        long clientCpu = cpuMillis(ProcessHandle.current().pid()) - clientCpu0;
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf("clients %3d: %5d requests in %6.1f s = %7.1f req/s; p50 %7.1f ms, p99 %7.1f ms; "
                        + "statuses %s; malformed %d%n", clients, n, elapsed, n / elapsed,
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, statuses, malformed.sum());
        // CPU per request holds still on a shared machine where wall-clock rates do not.
        System.out.printf("             CPU per request: server %s ms, load generator %.2f ms%n",
                serverCpu < 0 ? "? (--server-pid)" : String.format("%.2f", serverCpu / (double) n),
                clientCpu / (double) n);
    }

    /**
     * Whether an answer holds exactly one {@code data} entry, at index 0, whose embedding has {@code width} numbers;
     * read as a token stream, without converting the numbers, so checking costs the generator little CPU.
     */
    static boolean oneVector(ObjectMapper json, byte[] body, int width) throws java.io.IOException {
        try (com.fasterxml.jackson.core.JsonParser p = json.getFactory().createParser(body)) {
            int entries = 0;
            boolean ok = true;
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                com.fasterxml.jackson.core.JsonToken t = p.nextToken();
                if (!field.equals("data")) {
                    p.skipChildren();
                    continue;
                }
                if (t != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    return false;
                }
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    entries++;
                    while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                        if (name.equals("index")) {
                            ok &= v.isNumeric() && p.getIntValue() == 0;
                        } else if (name.equals("embedding")) {
                            if (v != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                                return false;
                            }
                            int n = 0;
                            while (p.nextToken().isNumeric()) {
                                n++;
                            }
                            ok &= n == width;
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
            return ok && entries == 1;
        }
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
            long cpu0 = cpuMillis(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            m.encode(texts, EncodeOptions.builder().normalizeEmbeddings(true).build());
            double s = (System.nanoTime() - t0) / 1e9;
            long cpu = cpuMillis(ProcessHandle.current().pid()) - cpu0;
            System.out.printf("in-process encode of the same %d texts (batch 32): %.1f s = %.1f texts/s; CPU %.2f ms "
                    + "per text%n", texts.size(), s, texts.size() / s, cpu / (double) texts.size());
        }
    }
}
