package dev.st4j.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Hugging Face hub on 127.0.0.1 for tests, answering as huggingface.co does: the file-listing API, {@code
 * resolve} URLs with {@code ETag} (git blob id), {@code X-Repo-Commit}, and for LFS files a 302 to a CDN path with
 * {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size}; {@code X-Error-Code} on 404s; {@code Range} on
 * downloads. Faults (cut connections, corrupted bytes, 503s) can be injected, and every request is recorded.
 */
public final class FakeHub implements AutoCloseable {
    /** One request as the server saw it. */
    public record Request(String method, String path, String range, String authorization) {
        public boolean isContent() {
            return method.equals("GET") && (path.startsWith("/cdn/") || path.contains("/resolve/"));
        }
    }

    private record Repo(Map<String, Map<String, byte[]>> commits, Map<String, String> refs, String token) {}

    private final HttpServer server;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> lfsObjects = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    private final Map<String, int[]> stalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> corruptions = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger commitCounter = new AtomicInteger();

    private final String cdnHost;

    public FakeHub() throws IOException {
        this("127.0.0.1");
    }

    /**
     * A hub whose LFS redirects name {@code cdnHost}. huggingface.co's CDN is another host, and huggingface_hub
     * follows a HEAD redirect to the same host; a Python client therefore needs {@code "localhost"} here.
     */
    public FakeHub(String cdnHost) throws IOException {
        this.cdnHost = cdnHost;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------ setup

    /** Adds a commit holding {@code files} and points the given branches or tags at it; returns its id. */
    public String addCommit(String repoId, Map<String, byte[]> files, String... refs) {
        Repo repo = repos.computeIfAbsent(repoId, k -> new Repo(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                null));
        String commit = sha1(("commit " + commitCounter.incrementAndGet() + " " + repoId).getBytes(
                StandardCharsets.UTF_8));
        repo.commits().put(commit, new TreeMap<>(files));
        for (String ref : refs) {
            repo.refs().put(ref, commit);
        }
        files.forEach((path, bytes) -> {
            if (isLfs(path)) {
                lfsObjects.put(sha256(bytes), bytes);
            }
        });
        return commit;
    }

    /** Makes a repository private: only {@code Authorization: Bearer token} may read it. */
    void requireToken(String repoId, String token) {
        Repo r = repos.get(repoId);
        repos.put(repoId, new Repo(r.commits(), r.refs(), token));
    }

    /** The next download of this content closes the connection after {@code bytes} bytes. */
    void cutNextDownloadAfter(byte[] content, int bytes) {
        cutAfter.put(sha256(content), bytes);
    }

    /** The next download of this content sends {@code bytes} bytes, then nothing for {@code millis} ms. */
    void stallNextDownloadAfter(byte[] content, int bytes, int millis) {
        stalls.put(sha256(content), new int[] {bytes, millis});
    }

    /** The next {@code times} downloads of this content have one byte flipped. */
    void corruptNextDownloads(byte[] content, int times) {
        corruptions.put(sha256(content), new AtomicInteger(times));
    }

    /** The next {@code times} requests of any kind answer 503. */
    void failNextRequests(int times) {
        failures.set(times);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void clearRequests() {
        requests.clear();
    }

    public static Map<String, byte[]> readFolder(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return files;
    }

    static boolean isLfs(String path) {
        return path.endsWith(".onnx") || path.endsWith(".safetensors") || path.endsWith(".bin")
                || path.endsWith(".h5");
    }

    static String sha256(byte[] bytes) {
        return digest("SHA-256", bytes);
    }

    static String gitBlobId(byte[] bytes) {
        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + bytes.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(bytes, 0, all, header.length, bytes.length);
        return sha1(all);
    }

    private static String sha1(byte[] bytes) {
        return digest("SHA-1", bytes);
    }

    private static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ serving

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Request(ex.getRequestMethod(), URLDecoder.decode(path, StandardCharsets.UTF_8),
                ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(ex, 503, Map.of(), null);
            } else if (path.startsWith("/api/models/")) {
                listing(ex, path.substring("/api/models/".length()));
            } else if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring("/cdn/".length()));
            } else if (path.contains("/resolve/")) {
                resolve(ex, path);
            } else {
                send(ex, 404, Map.of(), null);
            }
        } catch (IOException | RuntimeException e) {
            // The client went away, or an injected cut: nothing more to send.
        }
    }

    /** {@code /api/models/{org}/{name}/revision/{rev}}. */
    private void listing(HttpExchange ex, String rest) throws IOException {
        int at = rest.indexOf("/revision/");
        String repoId = at < 0 ? rest : rest.substring(0, at);
        Repo repo = repos.get(repoId);
        if (repo == null) {
            send(ex, 404, Map.of("X-Error-Code", "RepoNotFound"), null);
            return;
        }
        if (!authorized(ex, repo)) {
            return;
        }
        String rev = at < 0 ? "main" : URLDecoder.decode(rest.substring(at + "/revision/".length()),
                StandardCharsets.UTF_8);
        String commit = commitOf(repo, rev);
        if (commit == null) {
            send(ex, 404, Map.of("X-Error-Code", "RevisionNotFound"), null);
            return;
        }
        StringBuilder json = new StringBuilder("{\"id\":\"" + repoId + "\",\"sha\":\"" + commit + "\",\"siblings\":[");
        String sep = "";
        for (String f : repo.commits().get(commit).keySet()) {
            json.append(sep).append("{\"rfilename\":\"").append(f).append("\"}");
            sep = ",";
        }
        json.append("]}");
        send(ex, 200, Map.of("Content-Type", "application/json"), json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code /{org}/{name}/resolve/{rev}/{path}}. */
    private void resolve(HttpExchange ex, String rawPath) throws IOException {
        int at = rawPath.indexOf("/resolve/");
        String repoId = rawPath.substring(1, at);
        String rest = rawPath.substring(at + "/resolve/".length());
        int slash = rest.indexOf('/');
        String rev = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
        String file = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
        Repo repo = repos.get(repoId);
        if (repo == null) {
            send(ex, 404, Map.of("X-Error-Code", "RepoNotFound"), null);
            return;
        }
        if (!authorized(ex, repo)) {
            return;
        }
        String commit = commitOf(repo, rev);
        if (commit == null) {
            send(ex, 404, Map.of("X-Error-Code", "RevisionNotFound"), null);
            return;
        }
        byte[] content = repo.commits().get(commit).get(file);
        if (content == null) {
            send(ex, 404, Map.of("X-Error-Code", "EntryNotFound", "X-Repo-Commit", commit), null);
            return;
        }
        if (isLfs(file)) {
            String sha = sha256(content);
            String cdn = "http://" + cdnHost + ":" + server.getAddress().getPort() + "/cdn/" + sha;
            send(ex, 302, Map.of("Location", cdn, "X-Repo-Commit", commit,
                    "X-Linked-Etag", "\"" + sha + "\"", "X-Linked-Size", String.valueOf(content.length),
                    "ETag", "W/\"" + gitBlobId(sha.getBytes(StandardCharsets.UTF_8)) + "\""), null);
            return;
        }
        Map<String, String> headers = Map.of("ETag", "\"" + gitBlobId(content) + "\"", "X-Repo-Commit", commit);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(content.length));
            send(ex, 200, headers, null);
        } else {
            send(ex, 200, headers, content);
        }
    }

    /** {@code /cdn/{sha256}}: LFS content, with Range and the injected faults. */
    private void cdn(HttpExchange ex, String sha) throws IOException {
        byte[] content = lfsObjects.get(sha);
        if (content == null) {
            send(ex, 404, Map.of(), null);
            return;
        }
        AtomicInteger corrupt = corruptions.get(sha);
        if (corrupt != null && corrupt.getAndDecrement() > 0) {
            content = content.clone();
            content[content.length / 2] ^= 0x5a;
        }
        long start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            start = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
        }
        if (start >= content.length && content.length > 0) {
            send(ex, 416, Map.of("Content-Range", "bytes */" + content.length), null);
            return;
        }
        int status = start > 0 ? 206 : 200;
        if (status == 206) {
            ex.getResponseHeaders().set("Content-Range",
                    "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - (int) start;
        Integer cut = cutAfter.remove(sha);
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        if (cut != null && cut < length) {
            out.write(content, (int) start, cut);
            out.flush();
            // Close the connection mid-body, as a dropped network would.
            throw new UncheckedIOException(new IOException("injected cut"));
        }
        int[] stall = stalls.remove(sha);
        if (stall != null && stall[0] < length) {
            out.write(content, (int) start, stall[0]);
            out.flush();
            sleep(stall[1]);
            out.write(content, (int) start + stall[0], length - stall[0]);
            return;
        }
        out.write(content, (int) start, length);
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean authorized(HttpExchange ex, Repo repo) throws IOException {
        if (repo.token() == null) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            send(ex, 401, Map.of(), null);
            return false;
        }
        if (!auth.equals("Bearer " + repo.token())) {
            send(ex, 403, Map.of(), null);
            return false;
        }
        return true;
    }

    private static String commitOf(Repo repo, String rev) {
        if (repo.commits().containsKey(rev)) {
            return rev;
        }
        return repo.refs().get(rev);
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (body == null || head) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }
}
