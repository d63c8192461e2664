package dev.st4j.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * How st4j talks to the Hugging Face hub and where it caches files, resolved the way huggingface_hub and
 * sentence-transformers resolve them, so that Python and Java share one cache.
 *
 * @param cacheRoot the hub cache folder (holding {@code models--org--name} folders)
 * @param endpoint the hub's base URL, without a trailing slash
 * @param token the access token sent as {@code Authorization: Bearer}, or null; never printed
 * @param offline use only the cache, never the network
 * @param showProgress print a progress line on stderr while large files download
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long a response may stall (headers, or no new body bytes) before the attempt fails
 * @param maxAttempts attempts per request on network errors and 5xx/429 answers (at least 1)
 * @param retryDelay delay before the second attempt; doubles after each further failure
 */
public record HubSettings(
        Path cacheRoot,
        String endpoint,
        String token,
        boolean offline,
        boolean showProgress,
        Duration connectTimeout,
        Duration readTimeout,
        int maxAttempts,
        Duration retryDelay) {

    /** The public hub, used when {@code HF_ENDPOINT} is unset. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** Values huggingface_hub reads as "true" in boolean variables such as {@code HF_HUB_OFFLINE}. */
    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");

    public HubSettings {
        if (cacheRoot == null || endpoint == null || connectTimeout == null || readTimeout == null
                || retryDelay == null) {
            throw new IllegalArgumentException("cacheRoot, endpoint, timeouts and retryDelay are required");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        URI uri = URI.create(endpoint);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("the hub endpoint must be an http(s) URL, got " + endpoint);
        }
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        token = token == null || token.isBlank() ? null : token.trim();
    }

    /**
     * Settings from the caller's choices, falling back on the environment:
     * <ul>
     *   <li>cache: {@code cacheFolder}, else {@code SENTENCE_TRANSFORMERS_HOME}, else {@code HF_HUB_CACHE}
     *       (or its old name {@code HUGGINGFACE_HUB_CACHE}), else {@code $HF_HOME/hub}, else
     *       {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub};</li>
     *   <li>token: {@code token}, else {@code HF_TOKEN}, else the file {@code $HF_TOKEN_PATH}, else
     *       {@code $HF_HOME/token} (where {@code hf auth login} writes it);</li>
     *   <li>offline: {@code localFilesOnly}, or {@code HF_HUB_OFFLINE} / {@code TRANSFORMERS_OFFLINE} set to
     *       1/ON/YES/TRUE;</li>
     *   <li>endpoint: {@code HF_ENDPOINT}, else {@value #DEFAULT_ENDPOINT};</li>
     *   <li>timeouts: connect {@code HF_HUB_ETAG_TIMEOUT} (default 10 s), read stall {@code HF_HUB_DOWNLOAD_TIMEOUT}
     *       (default 30 s), in seconds as huggingface_hub reads them.</li>
     * </ul>
     */
    public static HubSettings resolve(Path cacheFolder, String token, boolean localFilesOnly, Environment env) {
        Path cache = cacheFolder != null ? cacheFolder : defaultCacheRoot(env);
        String endpoint = env.nonBlank("HF_ENDPOINT");
        boolean offline = localFilesOnly || isTrue(env.get("HF_HUB_OFFLINE"))
                || isTrue(env.get("TRANSFORMERS_OFFLINE"));
        return new HubSettings(cache, endpoint == null ? DEFAULT_ENDPOINT : endpoint,
                token != null && !token.isBlank() ? token : tokenFromEnvironment(env), offline,
                interactive(), seconds(env, "HF_HUB_ETAG_TIMEOUT", 10), seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT", 30), 5,
                Duration.ofMillis(500));
    }

    /** Settings from the process environment alone. */
    public static HubSettings fromEnvironment() {
        return resolve(null, null, false, Environment.system());
    }

    /** These settings with another cache folder. */
    public HubSettings withCacheRoot(Path root) {
        return new HubSettings(root, endpoint, token, offline, showProgress, connectTimeout, readTimeout,
                maxAttempts, retryDelay);
    }

    /** These settings with another endpoint. */
    public HubSettings withEndpoint(String url) {
        return new HubSettings(cacheRoot, url, token, offline, showProgress, connectTimeout, readTimeout,
                maxAttempts, retryDelay);
    }

    /** These settings with another token (null for none). */
    public HubSettings withToken(String newToken) {
        return new HubSettings(cacheRoot, endpoint, newToken, offline, showProgress, connectTimeout, readTimeout,
                maxAttempts, retryDelay);
    }

    /** These settings, offline or not. */
    public HubSettings withOffline(boolean off) {
        return new HubSettings(cacheRoot, endpoint, token, off, showProgress, connectTimeout, readTimeout,
                maxAttempts, retryDelay);
    }

    /** These settings with or without the stderr progress line. */
    public HubSettings withProgress(boolean show) {
        return new HubSettings(cacheRoot, endpoint, token, offline, show, connectTimeout, readTimeout,
                maxAttempts, retryDelay);
    }

    /** These settings with other timeouts and retry policy. */
    public HubSettings withNetworkPolicy(Duration connect, Duration read, int attempts, Duration firstRetryDelay) {
        return new HubSettings(cacheRoot, endpoint, token, offline, showProgress, connect, read, attempts,
                firstRetryDelay);
    }

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "HubSettings[cacheRoot=" + cacheRoot + ", endpoint=" + endpoint + ", token="
                + (token == null ? "none" : "<hidden>") + ", offline=" + offline + "]";
    }

    /**
     * Whether a person watches the terminal. Since JDK 22 {@code System.console()} is non-null even when output is
     * redirected, so ask {@code Console.isTerminal()} where it exists (looked up reflectively: bytecode is 21).
     */
    private static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static Duration seconds(Environment env, String name, long fallback) {
        String v = env.nonBlank(name);
        try {
            double secs = v == null ? fallback : Double.parseDouble(v.trim());
            return secs > 0 ? Duration.ofMillis((long) (secs * 1000)) : Duration.ofSeconds(fallback);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'");
        }
    }

    static boolean isTrue(String value) {
        return value != null && TRUE_VALUES.contains(value.trim().toUpperCase(Locale.ROOT));
    }

    private static Path defaultCacheRoot(Environment env) {
        String st = env.nonBlank("SENTENCE_TRANSFORMERS_HOME");
        if (st != null) {
            return expandHome(st, env);
        }
        String hubCache = env.nonBlank("HF_HUB_CACHE");
        if (hubCache == null) {
            hubCache = env.nonBlank("HUGGINGFACE_HUB_CACHE");
        }
        if (hubCache != null) {
            return expandHome(hubCache, env);
        }
        return hfHome(env).resolve("hub");
    }

    /** {@code HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}. */
    private static Path hfHome(Environment env) {
        String home = env.nonBlank("HF_HOME");
        if (home != null) {
            return expandHome(home, env);
        }
        String xdg = env.nonBlank("XDG_CACHE_HOME");
        Path cache = xdg != null ? expandHome(xdg, env) : env.userHome().resolve(".cache");
        return cache.resolve("huggingface");
    }

    private static String tokenFromEnvironment(Environment env) {
        String token = env.nonBlank("HF_TOKEN");
        if (token == null) {
            token = env.nonBlank("HUGGING_FACE_HUB_TOKEN");
        }
        if (token != null) {
            return token.trim();
        }
        String pathVar = env.nonBlank("HF_TOKEN_PATH");
        Path file = pathVar != null ? expandHome(pathVar, env) : hfHome(env).resolve("token");
        try {
            if (Files.isRegularFile(file)) {
                String fromFile = Files.readString(file).trim();
                return fromFile.isEmpty() ? null : fromFile;
            }
        } catch (IOException e) {
            // An unreadable token file means "no token", as in huggingface_hub; public repos still work.
        }
        return null;
    }

    /** Python's {@code expanduser} for the leading {@code ~} the variables often hold. */
    private static Path expandHome(String value, Environment env) {
        if (value.equals("~")) {
            return env.userHome();
        }
        if (value.startsWith("~/") || value.startsWith("~\\")) {
            return env.userHome().resolve(value.substring(2));
        }
        return Path.of(value);
    }
}
