package dev.st4j.hub;

import dev.st4j.internal.modelfolder.StalePartials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One model repository inside a huggingface_hub cache, in the layout Python reads and writes:
 * <pre>
 * {root}/models--{org}--{name}/blobs/{etag}                 file contents, named by their hub ETag
 *                              refs/{revision}               the commit a branch or tag pointed to
 *                              snapshots/{commit}/{path}     relative symlinks to ../../blobs/{etag}
 *                              .no_exist/{commit}/{path}     empty markers: the hub said "no such file"
 * {root}/.locks/models--{org}--{name}/{etag}.lock            held while a blob downloads
 * </pre>
 * Every write is atomic (temporary file, then rename), so a crash never leaves a half-written entry that looks
 * complete.
 */
final class HubCache {
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?");

    private final Path root;
    private final String repoId;
    private final Path repoFolder;

    HubCache(Path root, String repoId) {
        if (!REPO_ID.matcher(repoId).matches() || repoId.contains("..")) {
            throw new IllegalArgumentException("'" + repoId + "' is not a valid hub repository id "
                    + "(organisation/name, letters, digits, '.', '_' and '-')");
        }
        this.root = root;
        this.repoId = repoId;
        this.repoFolder = root.resolve(folderName(repoId));
    }

    /** {@code models--org--name}: huggingface_hub's folder name for a model repository. */
    static String folderName(String repoId) {
        return "models--" + repoId.replace("/", "--");
    }

    String repoId() {
        return repoId;
    }

    Path repoFolder() {
        return repoFolder;
    }

    /** The commit a branch or tag pointed to when it was last resolved online, if recorded. */
    Optional<String> readRef(String revision) {
        Path ref = repoFolder.resolve("refs").resolve(checkRelative(revision));
        try {
            if (Files.isRegularFile(ref)) {
                String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
                if (COMMIT.matcher(commit).matches()) {
                    return Optional.of(commit);
                }
            }
        } catch (IOException e) {
            // An unreadable ref is a missing ref: the caller falls back to the network or reports the miss.
        }
        return Optional.empty();
    }

    void writeRef(String revision, String commit) throws IOException {
        Path ref = repoFolder.resolve("refs").resolve(checkRelative(revision));
        if (readRef(revision).filter(commit::equals).isPresent()) {
            return;
        }
        writeAtomically(ref, commit.getBytes(StandardCharsets.UTF_8));
    }

    Path snapshotFolder(String commit) {
        return repoFolder.resolve("snapshots").resolve(checkCommit(commit));
    }

    /** The snapshot entry for a repository path; it may not exist. */
    Path snapshotFile(String commit, String path) {
        return snapshotFolder(commit).resolve(checkRelative(path));
    }

    /** Whether the snapshot holds the file (a symlink whose blob is gone does not count). */
    boolean hasFile(String commit, String path) {
        return Files.isRegularFile(snapshotFile(commit, path));
    }

    /** Whether the hub said this file does not exist at this commit. */
    boolean knownAbsent(String commit, String path) {
        return Files.exists(repoFolder.resolve(".no_exist").resolve(checkCommit(commit)).resolve(checkRelative(path)));
    }

    void markAbsent(String commit, String path) throws IOException {
        Path marker = repoFolder.resolve(".no_exist").resolve(checkCommit(commit)).resolve(checkRelative(path));
        Files.createDirectories(marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            // Another loader recorded it first.
        }
    }

    Path blob(String etag) {
        return repoFolder.resolve("blobs").resolve(checkEtag(etag));
    }

    /** Where a blob is written while it downloads; huggingface_hub uses the same name, so it can resume ours. */
    Path incompleteBlob(String etag) {
        return repoFolder.resolve("blobs").resolve(checkEtag(etag) + ".incomplete");
    }

    Path lockFile(String etag) {
        return root.resolve(".locks").resolve(folderName(repoId)).resolve(checkEtag(etag) + ".lock");
    }

    /**
     * Makes {@code snapshots/{commit}/{path}} point at the blob: a relative symlink where the file system allows
     * (so the cache stays valid when moved, as in Python), a copy otherwise.
     */
    void link(String commit, String path, Path blob) throws IOException {
        Path pointer = snapshotFile(commit, path);
        Files.createDirectories(pointer.getParent());
        StalePartials.clean(pointer.getParent());
        Path tmp = pointer.resolveSibling(pointer.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try {
                Files.createSymbolicLink(tmp, pointer.getParent().relativize(blob));
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No symlinks here (Windows without developer mode, some network shares): copy the blob.
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            move(tmp, pointer);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        StalePartials.clean(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.write(tmp, content);
            move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A repository path must stay inside its folder: no absolute paths, no {@code ..}, no empty segments. */
    static String checkRelative(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new HubException("the hub named an invalid file path: '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new HubException("the hub named an invalid file path: '" + path + "'");
            }
        }
        return path;
    }

    static String checkCommit(String commit) {
        if (commit == null || !COMMIT.matcher(commit).matches()) {
            throw new HubException("the hub answered an invalid commit id: '" + commit + "'");
        }
        return commit;
    }

    static String checkEtag(String etag) {
        if (etag == null || !ETAG.matcher(etag).matches() || etag.startsWith(".")) {
            throw new HubException("the hub answered an invalid ETag: '" + etag + "'");
        }
        return etag;
    }
}
