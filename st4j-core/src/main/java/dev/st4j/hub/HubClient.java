package dev.st4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.Fix;
import dev.st4j.ModelNotFoundException;
import dev.st4j.internal.modelfolder.ModelFolder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few hub HTTP calls st4j needs: list a repository's files at a revision, read one file's metadata, and
 * download a file's bytes into a (possibly partial) file. Retries network errors and 5xx/429 answers with
 * back-off; turns 401/403/404 into typed errors that name the repository, the endpoint and the fix.
 */
final class HubClient implements AutoCloseable {
    /** Redirects followed per request: the hub sends at most one or two (renamed repo, then the CDN). */
    static final int MAX_REDIRECTS = 5;
    private static final Pattern CONTENT_RANGE_START = Pattern.compile("bytes\\s+(\\d+)-");
    private static final String USER_AGENT = "st4j/0.1; java/" + Runtime.version().feature()
            + "; library_name=sentence-transformers";

    private final HubSettings settings;
    private final HttpClient http;

    HubClient(HubSettings settings) {
        this.settings = settings;
        // Redirects are followed by hand: metadata needs the first answer's headers, and the token must not
        // follow a redirect to another host (the CDN URL is pre-signed).
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Releases the HTTP client's connections and selector thread. */
    @Override
    public void close() {
        http.close();
    }

    /** A repository at one commit: the commit id and every file path in it. */
    record RepoListing(String commit, Set<String> files) {}

    /**
     * A file's hub metadata.
     *
     * @param etag the blob name: the git blob id, or the sha256 of the content for LFS files
     * @param size the size in bytes, or -1 when unknown
     * @param downloadUrl where the bytes are (the CDN for LFS files)
     */
    record FileMetadata(String commit, String etag, long size, URI downloadUrl) {}

    /** {@code GET {endpoint}/api/models/{repo}/revision/{revision}}: resolves the revision and lists the files. */
    RepoListing listFiles(String repoId, String revision) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repoId + "/revision/" + encode(revision));
        HttpResponse<String> response = withRetries("list the files of " + repoId, () -> {
            HttpResponse<String> r = http.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            return retryableStatus(r) ? throwRetryable(r) : r;
        });
        if (response.statusCode() != 200) {
            throw failure(response, repoId, revision, "the file list");
        }
        JsonNode json;
        try {
            json = ModelFolder.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new HubException(uri + " answered something that is not JSON: " + e.getMessage(), e);
        }
        String sha = json.path("sha").asText(null);
        HubCache.checkCommit(sha);
        Set<String> files = new LinkedHashSet<>();
        for (JsonNode sibling : json.path("siblings")) {
            String name = sibling.path("rfilename").asText(null);
            if (name != null) {
                files.add(name);
            }
        }
        return new RepoListing(sha, files);
    }

    /**
     * {@code HEAD {endpoint}/{repo}/resolve/{commit}/{path}}, read without following the CDN redirect; empty when
     * the hub says the file does not exist.
     */
    Optional<FileMetadata> fileMetadata(String repoId, String commit, String path) {
        URI uri = resolveUrl(repoId, commit, path);
        HttpResponse<Void> response = null;
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            URI target = current;
            response = withRetries("read the metadata of " + repoId + "/" + path, () -> {
                HttpResponse<Void> r = http.send(request(target).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Accept-Encoding", "identity").build(), HttpResponse.BodyHandlers.discarding());
                return retryableStatus(r) ? throwRetryable(r) : r;
            });
            String location = response.headers().firstValue("Location").orElse(null);
            // A relative redirect stays on the hub (a renamed repository): follow it. An absolute one goes to
            // the CDN, and its first answer already carries the metadata.
            if (isRedirect(response.statusCode()) && location != null && location.startsWith("/")) {
                current = current.resolve(location);
                continue;
            }
            break;
        }
        HttpResponse<Void> head = response;
        int status = head.statusCode();
        if (status == 404 && errorCode(head).map(c -> c.equals("EntryNotFound")).orElse(true)) {
            return Optional.empty();
        }
        if (status != 200 && !isRedirect(status)) {
            throw failure(response, repoId, commit, path);
        }
        String etag = head.headers().firstValue("X-Linked-Etag")
                .or(() -> head.headers().firstValue("ETag")).map(HubClient::normalizeEtag).orElse(null);
        if (etag == null) {
            throw new HubException(uri + " answered without an ETag, so the file cannot be cached; is "
                    + settings.endpoint() + " a Hugging Face hub (check HF_ENDPOINT)?");
        }
        long size = response.headers().firstValueAsLong("X-Linked-Size")
                .orElse(isRedirect(status) ? -1 : response.headers().firstValueAsLong("Content-Length").orElse(-1));
        String answeredCommit = response.headers().firstValue("X-Repo-Commit").orElse(commit);
        URI download = isRedirect(status)
                ? current.resolve(response.headers().firstValue("Location").orElseThrow(() ->
                        new HubException(uri + " answered a redirect without a Location")))
                : current;
        return Optional.of(new FileMetadata(answeredCommit, HubCache.checkEtag(etag), size, download));
    }

    /**
     * Downloads {@code url} into {@code partial}, continuing after the bytes it already holds with
     * {@code Range: bytes=N-}. Returns when the server has sent the whole body; network errors and 5xx answers
     * are retried (resuming each time), the last one is thrown.
     */
    void download(URI url, Path partial, long expectedSize, String label, LongConsumer progress) {
        withRetries("download " + label, () -> {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (expectedSize >= 0 && have > expectedSize) {
                Files.delete(partial);
                have = 0;
            }
            if (expectedSize >= 0 && have == expectedSize) {
                if (have == 0) {
                    Files.write(partial, new byte[0]);
                }
                return null;
            }
            fetchOnce(url, partial, have, expectedSize, label, progress);
            return null;
        });
    }

    private void fetchOnce(URI start, Path partial, long offset, long expectedSize, String label,
            LongConsumer progress) throws IOException, InterruptedException {
        URI url = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            // Identity encoding: the bytes on disk must be the bytes the ETag names.
            HttpRequest.Builder rb = request(url).GET().header("Accept-Encoding", "identity");
            if (offset > 0) {
                rb.header("Range", "bytes=" + offset + "-");
            }
            // The body goes straight into the partial file: appended after a 206 answer to our Range, written
            // from the start after a 200 (the server ignored the Range), and not at all for other answers.
            HttpResponse.BodyHandler<Void> toFile = info -> {
                int s = info.statusCode();
                if (s == 200) {
                    return toVoid(HttpResponse.BodySubscribers.ofFile(partial, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
                }
                if (s == 206 && rangeStart(info.headers().firstValue("Content-Range").orElse("")) == offset) {
                    return toVoid(HttpResponse.BodySubscribers.ofFile(partial, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.APPEND));
                }
                return HttpResponse.BodySubscribers.replacing(null);
            };
            CompletableFuture<HttpResponse<Void>> pending = http.sendAsync(rb.build(), toFile);
            HttpResponse<Void> response = awaitWithStallCheck(pending, partial, label, progress);
            int status = response.statusCode();
            if (isRedirect(status)) {
                URI from = url;
                url = url.resolve(response.headers().firstValue("Location").orElseThrow(() ->
                        new HubException(from + " answered a redirect without a Location")));
                continue;
            }
            if (status == 206 && rangeStart(response.headers().firstValue("Content-Range").orElse("")) != offset) {
                Files.deleteIfExists(partial);
                throw new IOException(url + " answered a different byte range than asked; starting over");
            }
            if (status == 416) {
                Files.deleteIfExists(partial);
                throw new IOException(url + " cannot resume at byte " + offset + "; starting over");
            }
            if (retryableStatus(response)) {
                throwRetryable(response);
            }
            if (status != 200 && status != 206) {
                throw failure(response, label, null, label);
            }
            long got = Files.size(partial);
            if (expectedSize >= 0 && got < expectedSize) {
                // The connection ended early without an error (no Content-Length): resume from here.
                throw new IOException(label + ": connection closed after " + got + " of " + expectedSize + " bytes");
            }
            return;
        }
        throw new HubException("more than " + MAX_REDIRECTS + " redirects downloading " + label + " from " + start);
    }

    /**
     * Waits for a download, failing it when the file stops growing for the read timeout (the JDK client has no
     * body read timeout of its own), and reporting progress on the way.
     */
    private HttpResponse<Void> awaitWithStallCheck(CompletableFuture<HttpResponse<Void>> pending, Path partial,
            String label, LongConsumer progress) throws IOException, InterruptedException {
        long lastSize = -1;
        long lastChange = System.nanoTime();
        long stallNanos = settings.readTimeout().toNanos();
        while (true) {
            try {
                HttpResponse<Void> r = pending.get(200, TimeUnit.MILLISECONDS);
                progress.accept(sizeOf(partial));
                return r;
            } catch (TimeoutException e) {
                long size = sizeOf(partial);
                if (size != lastSize) {
                    lastSize = size;
                    lastChange = System.nanoTime();
                    progress.accept(size);
                } else if (System.nanoTime() - lastChange > stallNanos) {
                    pending.cancel(true);
                    throw new HttpTimeoutException(label + ": no data for " + settings.readTimeout().toSeconds()
                            + " s");
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(e.getCause());
            } catch (CancellationException e) {
                throw new IOException(label + ": download cancelled", e);
            } catch (InterruptedException e) {
                pending.cancel(true);
                throw e;
            }
        }
    }

    private static HttpResponse.BodySubscriber<Void> toVoid(HttpResponse.BodySubscriber<Path> s) {
        return HttpResponse.BodySubscribers.mapping(s, p -> null);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ requests, retries, errors

    URI resolveUrl(String repoId, String revision, String path) {
        StringBuilder sb = new StringBuilder(settings.endpoint()).append('/').append(repoId).append("/resolve/")
                .append(encode(revision));
        for (String segment : path.split("/")) {
            sb.append('/').append(encode(segment));
        }
        return URI.create(sb.toString());
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.readTimeout())
                .header("User-Agent", USER_AGENT);
        if (settings.token() != null && sameOrigin(uri, URI.create(settings.endpoint()))) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    /** An answer worth asking again for (5xx, 429). */
    private static final class RetryableAnswer extends IOException {
        RetryableAnswer(String message) {
            super(message);
        }
    }

    private <T> T withRetries(String what, Call<T> call) {
        long delay = settings.retryDelay().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (IOException e) {
                // Nobody listening, or no such host: not transient, and waiting only delays the cache fallback.
                boolean unreachable = e instanceof ConnectException || e.getCause() instanceof UnknownHostException;
                if (attempt >= settings.maxAttempts() || unreachable) {
                    throw new HubException("cannot " + what + " at " + settings.endpoint() + " after " + attempt
                            + " attempt(s): " + describe(e) + ". Check the network or HF_ENDPOINT, or use the cache "
                            + "only (HF_HUB_OFFLINE=1 / localFilesOnly) if the files were downloaded before.", e);
                }
                sleep(delay);
                delay = Math.min(delay * 2, 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException("interrupted while trying to " + what, e);
            }
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e.getCause() instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while waiting to retry", e);
        }
    }

    private static boolean retryableStatus(HttpResponse<?> r) {
        return r.statusCode() >= 500 || r.statusCode() == 429;
    }

    private static <T> T throwRetryable(HttpResponse<?> r) throws RetryableAnswer {
        throw new RetryableAnswer(r.uri() + " answered HTTP " + r.statusCode());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static Optional<String> errorCode(HttpResponse<?> r) {
        return r.headers().firstValue("X-Error-Code");
    }

    /** The typed error for a refusal; {@code what} is the file or list that was asked for. */
    private RuntimeException failure(HttpResponse<?> r, String repoId, String revision, String what) {
        int status = r.statusCode();
        String code = errorCode(r).orElse("");
        String endpoint = settings.endpoint();
        String tokenAdvice = "pass a token (LoadOptions.token, the HF_TOKEN variable, or `hf auth login`)";
        switch (code) {
            case "RepoNotFound" -> {
                return new ModelNotFoundException("repository '" + repoId + "' was not found on " + endpoint,
                        settings.token() == null ? List.of(Fix.modelId(repoId), Fix.token(repoId))
                                : List.of(Fix.modelId(repoId), Fix.action("check that your token can read it")));
            }
            case "RevisionNotFound" -> {
                return new ModelNotFoundException("revision '" + revision + "' was not found in repository '"
                        + repoId + "' on " + endpoint, List.of(Fix.revision(revision)));
            }
            case "GatedRepo" -> {
                return new HubAccessDeniedException("repository '" + repoId + "' on " + endpoint + " is gated: "
                        + "accept its conditions at " + endpoint + "/" + repoId + ", then "
                        + (settings.token() == null ? tokenAdvice : "use a token of that account"));
            }
            default -> { }
        }
        if (status == 401) {
            return new HubAccessDeniedException(settings.token() == null
                    ? "repository '" + repoId + "' on " + endpoint + " needs authentication (HTTP 401): " + tokenAdvice
                    : "the hub at " + endpoint + " rejected the token (HTTP 401) for repository '" + repoId
                            + "': it is invalid or expired; create a new one at " + endpoint + "/settings/tokens");
        }
        if (status == 403) {
            return new HubAccessDeniedException(settings.token() == null
                    ? "repository '" + repoId + "' on " + endpoint + " refused access (HTTP 403): " + tokenAdvice
                    : "the token lacks access to repository '" + repoId + "' on " + endpoint + " (HTTP 403): "
                            + "give it read access to this repository, or request access on its page");
        }
        if (status == 404) {
            return new ModelNotFoundException("repository '" + repoId + "'" + (revision == null ? ""
                    : " at revision '" + revision + "'") + " was not found on " + endpoint + " (HTTP 404 for "
                    + what + ")", revision == null ? List.of(Fix.modelId(repoId))
                            : List.of(Fix.modelId(repoId), Fix.revision(revision)));
        }
        return new HubException("the hub at " + endpoint + " answered HTTP " + status + " for " + what + " of "
                + repoId + (code.isEmpty() ? "" : " (" + code + ")"));
    }

    /** {@code W/"abc"} and {@code "abc"} both name the blob {@code abc}. */
    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    private static long rangeStart(String contentRange) {
        Matcher m = CONTENT_RANGE_START.matcher(contentRange.toLowerCase(Locale.ROOT));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
