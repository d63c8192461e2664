package dev.st4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Brings one blob into the cache safely: under a lock (so concurrent loaders neither corrupt nor duplicate it),
 * into {@code blobs/{etag}.incomplete} (resumed if a previous attempt left one), verified against its ETag, and
 * only then renamed to {@code blobs/{etag}}. A blob that fails verification is deleted and fetched once more.
 */
final class BlobDownload {
    private static final Logger LOG = Logger.getLogger(BlobDownload.class.getName());
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern GIT_OID = Pattern.compile("[0-9a-f]{40}");

    /**
     * File locks are held per process, and a second lock from the same JVM throws instead of waiting; this map
     * makes threads of one JVM queue up before taking the file lock.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private BlobDownload() {}

    /**
     * Returns {@code blobs/{etag}}, verified: downloaded first if the cache lacks it or holds a damaged copy.
     * Callers come here only for files missing from the snapshot, so a complete snapshot costs no hashing.
     */
    static Path ensure(HubClient client, HubCache cache, HubClient.FileMetadata meta, String path,
            boolean showProgress) {
        Path blob = cache.blob(meta.etag());
        Path lockFile = cache.lockFile(meta.etag()).toAbsolutePath().normalize();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        jvmLock.lock();
        try {
            Files.createDirectories(lockFile.getParent());
            Files.createDirectories(blob.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                if (Files.isRegularFile(blob)) {
                    // Present already (another commit, thread or process wrote it). It is about to be linked into
                    // a new snapshot, so check it first: a damaged blob is replaced rather than spread.
                    if (verify(blob, meta) == null) {
                        return blob;
                    }
                    LOG.warning(() -> blob + " does not match its ETag; downloading it again");
                    Files.delete(blob);
                }
                Path partial = cache.incompleteBlob(meta.etag());
                String label = cache.repoId() + "/" + path;
                String problem = null;
                for (int attempt = 1; attempt <= 2; attempt++) {
                    try (DownloadProgress progress = DownloadProgress.start(path, meta.size(), showProgress)) {
                        client.download(meta.downloadUrl(), partial, meta.size(), label, progress);
                    }
                    problem = verify(partial, meta);
                    if (problem == null) {
                        HubCache.move(partial, blob);
                        return blob;
                    }
                    Files.deleteIfExists(partial);
                }
                throw new HubException("the download of " + label + " from " + meta.downloadUrl() + " was corrupted "
                        + "twice (" + problem + "); nothing was kept in the cache. Retry later, or check for a proxy "
                        + "that alters downloads.");
            }
        } catch (IOException e) {
            throw new HubException("cannot write " + blob + " in the hub cache: " + e.getMessage()
                    + " (choose a writable cache folder with cacheFolder, SENTENCE_TRANSFORMERS_HOME or HF_HUB_CACHE)",
                    e);
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Null when the file is what the hub described, else the problem. The size must match; an LFS ETag is the
     * sha256 of the content and a git ETag is the git blob id (sha1 of {@code "blob <size>\0" + content}), so both
     * are checked. Other ETag shapes (some mirrors) are trusted.
     */
    static String verify(Path file, HubClient.FileMetadata meta) throws IOException {
        long size = Files.size(file);
        if (meta.size() >= 0 && size != meta.size()) {
            return "expected " + meta.size() + " bytes, got " + size;
        }
        String etag = meta.etag();
        if (SHA256.matcher(etag).matches()) {
            String actual = digest(file, "SHA-256", null);
            return actual.equals(etag) ? null : "sha256 " + actual + " instead of " + etag;
        }
        if (GIT_OID.matcher(etag).matches()) {
            String actual = digest(file, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            return actual.equals(etag) ? null : "git blob id " + actual + " instead of " + etag;
        }
        return null;
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        if (prefix != null) {
            md.update(prefix);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
