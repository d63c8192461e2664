package dev.st4j.internal.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.ModelFormatException;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded model whose descriptor asks for a safetensors conversion: the converted file is published with the
 * folder, and a damaged one in a published folder is rebuilt (or refused), never used as it is.
 */
class EmbeddedConversionTest {
    @TempDir
    Path jar;
    @TempDir
    Path home;
    private ClassLoader saved;
    private String savedHome;

    @BeforeEach
    void fakeModelJar() throws IOException {
        Path meta = Files.createDirectories(jar.resolve("META-INF/st4j"));
        Files.writeString(meta.resolve("embedded-model.properties"), """
                id=test-org/tiny-converted
                config.root=cfg
                config.files=config.json
                file.onnx/model.onnx=weights/tiny.onnx
                convert.model.safetensors=onnx/model.onnx
                """);
        Files.createDirectories(jar.resolve("cfg"));
        Files.writeString(jar.resolve("cfg/config.json"), "{\"model_type\": \"bert\"}");
        Files.createDirectories(jar.resolve("weights"));
        OnnxConversionTest.writeModel(jar.resolve("weights"), OnnxConversionTest.graph());
        Files.move(jar.resolve("weights/model.onnx"), jar.resolve("weights/tiny.onnx"));
        saved = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[] {jar.toUri().toURL()}, null));
        savedHome = System.getProperty("st4j.home");
        System.setProperty("st4j.home", home.toString());
    }

    @AfterEach
    void restore() {
        Thread.currentThread().setContextClassLoader(saved);
        if (savedHome == null) {
            System.clearProperty("st4j.home");
        } else {
            System.setProperty("st4j.home", savedHome);
        }
    }

    private static EmbeddedModels.Embedded model() {
        return EmbeddedModels.find("test-org/tiny-converted").orElseThrow();
    }

    @Test
    void theConvertedCheckpointIsPublishedWithTheFolder() throws IOException {
        assertTrue(EmbeddedModels.hasSafetensors(model()));
        Path folder = EmbeddedModels.materialize(model());
        Path st = folder.resolve("model.safetensors");
        assertNull(OnnxConversion.problem(folder.resolve("onnx/model.onnx"), st));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6},
                SafetensorsFile.open(st).get("layer.dense.weight").toFloatArray());
        try (var entries = Files.list(folder.getParent())) {
            assertEquals(1, entries.count(), "only the published folder, no partial copy");
        }
    }

    @Test
    void aDamagedOrHalfWrittenConversionIsRebuiltInPlace() throws IOException {
        Path folder = EmbeddedModels.materialize(model());
        Path st = folder.resolve("model.safetensors");
        byte[] good = Files.readAllBytes(st);

        byte[] flipped = good.clone();
        flipped[good.length - 2] ^= 0x40;
        Files.write(st, flipped);
        assertEquals(folder, EmbeddedModels.materialize(model()));
        assertArrayEquals(good, Files.readAllBytes(st));

        // What an interrupted writer without atomic publishing would leave: the first half of the file.
        Files.write(st, Arrays.copyOf(good, good.length / 2));
        EmbeddedModels.materialize(model());
        assertArrayEquals(good, Files.readAllBytes(st));

        Files.delete(st);
        EmbeddedModels.materialize(model());
        assertArrayEquals(good, Files.readAllBytes(st));
    }

    @Test
    void rebuildingAnEntryRemovesWhatADeadWriterLeftInItAndBesideIt() throws IOException {
        Path folder = EmbeddedModels.materialize(model());
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        // A process killed while converting, and one killed while unpacking another copy of the entry.
        Path deadConversion = folder.resolve(".model.safetensors.partial-4242");
        Files.write(deadConversion, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(deadConversion, twoHoursAgo);
        Path deadUnpack = Files.createDirectories(folder.getParent().resolve(".partial-77/onnx"));
        Files.writeString(deadUnpack.resolve("model.onnx"), "half");
        for (Path p : List.of(deadUnpack.resolve("model.onnx"), deadUnpack, deadUnpack.getParent())) {
            Files.setLastModifiedTime(p, twoHoursAgo);
        }
        Path st = folder.resolve("model.safetensors");
        byte[] good = Files.readAllBytes(st);
        Files.write(st, Arrays.copyOf(good, 10));
        assertEquals(folder, EmbeddedModels.materialize(model()));
        assertArrayEquals(good, Files.readAllBytes(st));
        assertFalse(Files.exists(deadConversion), "the dead conversion's partial file is cleaned");
        // The unpack leftover lies beside the entry: it goes when an entry is next unpacked there.
        Files.move(folder, folder.resolveSibling(".old-entry"));
        EmbeddedModels.materialize(model());
        assertFalse(Files.exists(deadUnpack.getParent()), "the dead unpack's partial folder is cleaned");
    }

    @Test
    void aConversionThatCannotBeRebuiltIsRefusedAndRemoved() throws IOException {
        Path folder = EmbeddedModels.materialize(model());
        Path st = folder.resolve("model.safetensors");
        Path onnx = folder.resolve("onnx/model.onnx");
        byte[] source = Files.readAllBytes(onnx);
        Files.write(onnx, Arrays.copyOf(source, source.length - 9));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EmbeddedModels.materialize(model()));
        assertTrue(e.getMessage().contains("delete the folder " + folder), e.getMessage());
        assertTrue(Files.notExists(st), "the stale conversion is not left for a later load to trust");
    }
}
