package dev.st4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache layout huggingface_hub reads and writes. */
class HubCacheTest {
    static final String COMMIT = "a".repeat(40);

    @TempDir
    Path root;

    @Test
    void aRepositoryLivesInModelsDashDashOrgDashDashName() {
        HubCache cache = new HubCache(root, "BAAI/bge-small-en-v1.5");
        assertEquals(root.resolve("models--BAAI--bge-small-en-v1.5"), cache.repoFolder());
        assertEquals(root.resolve("models--BAAI--bge-small-en-v1.5/blobs/abc"), cache.blob("abc"));
        assertEquals(root.resolve(".locks/models--BAAI--bge-small-en-v1.5/abc.lock"), cache.lockFile("abc"));
        assertEquals(root.resolve("models--bert-base-uncased"), new HubCache(root, "bert-base-uncased").repoFolder());
    }

    @Test
    void refsRecordTheCommitOfABranchOrTag() throws IOException {
        HubCache cache = new HubCache(root, "org/name");
        assertEquals(Optional.empty(), cache.readRef("main"));
        cache.writeRef("main", COMMIT);
        cache.writeRef("refs/pr/1", COMMIT);
        assertEquals(COMMIT, Files.readString(root.resolve("models--org--name/refs/main")));
        assertEquals(Optional.of(COMMIT), cache.readRef("refs/pr/1"));
    }

    @Test
    void snapshotEntriesAreRelativeSymlinksToBlobs() throws IOException {
        HubCache cache = new HubCache(root, "org/name");
        Path blob = cache.blob("e1");
        Files.createDirectories(blob.getParent());
        Files.writeString(blob, "{}");

        cache.link(COMMIT, "1_Pooling/config.json", blob);

        Path pointer = cache.snapshotFile(COMMIT, "1_Pooling/config.json");
        assertTrue(Files.isSymbolicLink(pointer));
        assertEquals(Path.of("../../../blobs/e1"), Files.readSymbolicLink(pointer));
        assertEquals("{}", Files.readString(pointer));
        assertTrue(cache.hasFile(COMMIT, "1_Pooling/config.json"));
    }

    @Test
    void knownAbsentFilesAreEmptyMarkersUnderNoExist() throws IOException {
        HubCache cache = new HubCache(root, "org/name");
        assertFalse(cache.knownAbsent(COMMIT, "onnx/model.onnx"));
        cache.markAbsent(COMMIT, "onnx/model.onnx");
        cache.markAbsent(COMMIT, "onnx/model.onnx");
        assertTrue(cache.knownAbsent(COMMIT, "onnx/model.onnx"));
        assertTrue(Files.isRegularFile(root.resolve("models--org--name/.no_exist/" + COMMIT + "/onnx/model.onnx")));
    }

    @Test
    void pathsAndIdsThatWouldLeaveTheCacheAreRefused() {
        HubCache cache = new HubCache(root, "org/name");
        assertThrows(HubException.class, () -> cache.snapshotFile(COMMIT, "../../escape"));
        assertThrows(HubException.class, () -> cache.snapshotFile(COMMIT, "/etc/passwd"));
        assertThrows(HubException.class, () -> cache.snapshotFile("../x", "config.json"));
        assertThrows(HubException.class, () -> cache.blob("../../x"));
        assertThrows(IllegalArgumentException.class, () -> new HubCache(root, "../evil"));
        assertThrows(IllegalArgumentException.class, () -> new HubCache(root, "a/b/c"));
    }

    @Test
    void etagsLoseTheirQuotesAndWeakPrefix() {
        assertEquals("abc", HubClient.normalizeEtag("\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("W/\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("abc"));
    }
}
