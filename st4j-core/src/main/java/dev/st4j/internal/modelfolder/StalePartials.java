package dev.st4j.internal.modelfolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removes what a dead writer left in a cache folder: temporary files and folders that st4j publishes from by an
 * atomic move ({@code .model.safetensors.partial-*}, {@code .partial-*} folders, {@code *.tmp-<uuid>} links,
 * {@code .<file>*.partial}). Nothing reads them, so without this they would stay forever. Only entries untouched for
 * {@link #STALE_AFTER} go: a live writer keeps its file's modification time fresh, and nothing st4j writes takes an
 * hour without writing. Hub blobs ({@code *.incomplete}) are not touched: downloads resume from them, as in Python.
 */
public final class StalePartials {
    /** How long a temporary file must be untouched before it counts as a dead writer's. */
    public static final Duration STALE_AFTER = Duration.ofHours(1);

    private StalePartials() {}

    /** Whether {@code name} is one of st4j's temporary names (never a published file). */
    static boolean isTemporary(String name) {
        return name.startsWith(".") && name.contains(".partial")
                || name.matches(".+\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    /**
     * Deletes the stale temporary entries directly in {@code dir} (not its sub-folders' own files), best effort: a
     * file another process removes first, or one that cannot be deleted, is left to the next writer.
     *
     * @return how many entries were deleted
     */
    public static int clean(Path dir) {
        return clean(dir, Instant.now().minus(STALE_AFTER));
    }

    static int clean(Path dir, Instant staleBefore) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> isTemporary(p.getFileName().toString())).toList()) {
                try {
                    if (lastTouched(p).toInstant().isBefore(staleBefore)) {
                        deleteTree(p);
                        deleted++;
                    }
                } catch (IOException e) {
                    // Gone already, or not ours to delete: the next writer tries again.
                }
            }
        } catch (IOException e) {
            return deleted;
        }
        return deleted;
    }

    /** The newest modification time in {@code p} (a folder being filled changes inside, not itself). */
    private static FileTime lastTouched(Path p) throws IOException {
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        try (Stream<Path> walk = Files.walk(p)) {
            FileTime newest = FileTime.fromMillis(0);
            for (Path q : walk.toList()) {
                FileTime t = Files.getLastModifiedTime(q, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
            return newest;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
