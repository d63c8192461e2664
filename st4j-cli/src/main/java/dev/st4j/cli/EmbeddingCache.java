package dev.st4j.cli;

import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import dev.st4j.io.EmbeddingArray;
import dev.st4j.io.EmbeddingFileException;
import dev.st4j.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Corpus embeddings cached beside the corpus, in {@code .st4j-cache/<file>.<key>.npy}. The key hashes the corpus
 * file's bytes, the model (its name, and every file of its folder by path, size and modification time) and the
 * encode options, so a changed corpus, model or option never reuses a stale entry; older entries of the same
 * corpus are removed when a new one is written.
 */
final class EmbeddingCache {
    static final String FOLDER = ".st4j-cache";

    private EmbeddingCache() {}

    /** The cached embeddings of {@code corpus}, or {@code encode}'s, which are then cached. */
    static FloatMatrix load(Path corpus, SentenceTransformer model, String modelName, String options,
            Supplier<FloatMatrix> encode, PrintWriter err) throws IOException {
        Path dir = corpus.toAbsolutePath().getParent().resolve(FOLDER);
        String base = corpus.getFileName().toString();
        Path entry = dir.resolve(base + "." + key(corpus, model, modelName, options) + ".npy");
        if (Files.isRegularFile(entry)) {
            try {
                FloatMatrix cached = Npy.read(entry).toFloatMatrix();
                err.println("st4j: corpus embeddings from the cache (" + entry + ")");
                return cached;
            } catch (EmbeddingFileException e) {
                Files.deleteIfExists(entry); // a damaged entry is recomputed, never used
            }
        }
        FloatMatrix embeddings = encode.get();
        try {
            Npy.write(entry, EmbeddingArray.of(embeddings));
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    String n = p.getFileName().toString();
                    if (!p.equals(entry) && n.startsWith(base + ".") && n.endsWith(".npy")
                            && n.length() == base.length() + 1 + 64 + 4) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            // A read-only corpus folder still searches; it just encodes again next time.
            err.println("st4j: cannot write the embeddings cache in " + dir + " (" + e.getMessage()
                    + "); pass --no-cache to skip it");
        }
        return embeddings;
    }

    static String key(Path corpus, SentenceTransformer model, String modelName, String options) throws IOException {
        MessageDigest sha = sha256();
        sha.update(("st4j-cache-1\n" + modelName + "\n" + options + "\n").getBytes(StandardCharsets.UTF_8));
        Path folder = model.folder();
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    sha.update((folder.relativize(f) + "\t" + Files.size(f) + "\t"
                            + Files.getLastModifiedTime(f).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        try (InputStream in = Files.newInputStream(corpus)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
