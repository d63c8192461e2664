package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.internal.embedded.EmbeddedModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code st4j download}, checked offline against a hub cache (no network in these tests). */
class DownloadCommandTest {
    static final String REPO = "sentence-transformers/all-MiniLM-L6-v2";

    @TempDir
    Path cache;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = St4jCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void offlineWithAnEmptyCacheSaysWhatIsMissingAndHowToGetIt() {
        Run r = run("download", "all-MiniLM-L6-v2", "--offline", "--cache-folder", cache.toString());

        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("st4j download " + REPO), r.err());
    }

    @Test
    void offlineWithACompleteCachePrintsTheSnapshotFolder() throws IOException {
        // A cache written where symlinks are unavailable: snapshot files are plain copies.
        String commit = "89abcdef0123456789abcdef0123456789abcdef";
        Path repo = cache.resolve("models--sentence-transformers--all-MiniLM-L6-v2");
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        Path source = EmbeddedModels.materialize(EmbeddedModels.find(REPO).orElseThrow());
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = snapshot.resolve(source.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/v1.0"), commit);

        Run r = run("download", REPO, "--revision", "v1.0", "--offline", "--cache-folder", cache.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(snapshot.toString(), r.out().strip());

        Run info = run("info", "--model", REPO, "--revision", "v1.0", "--offline", "--cache-folder", cache.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("folder:              " + snapshot), info.out());
    }
}
