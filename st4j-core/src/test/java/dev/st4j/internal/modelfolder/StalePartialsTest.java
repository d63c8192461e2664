package dev.st4j.internal.modelfolder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dead writer left goes once it is an hour old; published files, live writers and hub blobs stay. */
class StalePartialsTest {
    @TempDir
    Path dir;

    private Path file(String name, Duration age) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, name);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    @Test
    void onlyTemporaryNamesUntouchedForAnHourAreDeleted() throws IOException {
        Duration old = Duration.ofHours(2);
        Path deadConversion = file(".model.safetensors.partial-8211", old);
        Path deadSave = file(".config.json5521.partial", old);
        Path deadLink = file("model.safetensors.tmp-0f8fad5b-d9cb-469f-a165-70867728950e", old);
        Path deadUnpack = file(".partial-1234/onnx/model.onnx", old);
        Files.setLastModifiedTime(deadUnpack.getParent(), FileTime.from(Instant.now().minus(old)));
        Files.setLastModifiedTime(deadUnpack.getParent().getParent(), FileTime.from(Instant.now().minus(old)));
        Path liveConversion = file(".model.safetensors.partial-9999", Duration.ofMinutes(5));
        Path liveUnpack = file(".partial-5678/tokenizer.json", Duration.ofMinutes(1));
        Files.setLastModifiedTime(liveUnpack.getParent(), FileTime.from(Instant.now().minus(old)));
        Path published = file("model.safetensors", old);
        Path dotfile = file(".gitattributes", old);
        Path resumableBlob = file("abc123.incomplete", old);

        assertEquals(4, StalePartials.clean(dir));

        for (Path gone : new Path[] {deadConversion, deadSave, deadLink, deadUnpack.getParent().getParent()}) {
            assertFalse(Files.exists(gone), gone + " should be gone");
        }
        for (Path kept : new Path[] {liveConversion, liveUnpack, published, dotfile, resumableBlob}) {
            assertTrue(Files.exists(kept), kept + " should stay");
        }
        assertEquals(0, StalePartials.clean(dir.resolve("no-such-folder")));
    }
}
