package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.internal.embedded.EmbeddedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on a folder laid out as the hub's all-mpnet-base-v2 (config.json, model.safetensors,
 * onnx/model.onnx) whose architecture the Java engine does not run: it works without {@code --backend}, and its
 * errors name flags, not builder methods.
 */
class BackendChoiceCommandTest {
    /** An architecture no backend work plans for the engine, so the case stays true as the engine grows. */
    static final String NOT_IN_THE_ENGINE = "deberta-v2";

    @TempDir
    Path tmp;

    /** all-MiniLM-L6-v2's export and tokenizer (so sbert.net's numbers apply) under a foreign model_type. */
    Path hubLayout(boolean withOnnx) throws IOException {
        Path source = EmbeddedModels.materialize(
                EmbeddedModels.find("sentence-transformers/all-MiniLM-L6-v2").orElseThrow());
        Path dir = tmp.resolve("model");
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = source.relativize(p).toString();
                boolean replaced = rel.equals("config.json") || rel.equals("model.safetensors");
                if (rel.endsWith(".onnx") && !withOnnx || replaced) {
                    continue;
                }
                Files.createDirectories(dir.resolve(rel).getParent());
                Files.createSymbolicLink(dir.resolve(rel), p);
            }
        }
        Files.writeString(dir.resolve("config.json"), Files.readString(source.resolve("config.json"))
                .replace("\"model_type\": \"bert\"", "\"model_type\": \"" + NOT_IN_THE_ENGINE + "\""));
        Files.createSymbolicLink(dir.resolve("model.safetensors"),
                Path.of(System.getProperty("st4j.shared.data"), "reference-models", "mpnet", "model.safetensors"));
        return dir;
    }

    @Test
    void withoutBackendTheOnnxExportRunsAndGivesTheSeedMatrix() throws IOException {
        Path dir = hubLayout(true);
        CommandLineTest.Run info = CommandLineTest.run("info", "--model", dir.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("backend:             onnx"), info.out());
        CommandLineTest.Run r = CommandLineTest.run("similarity", "--model", dir.toString(), CommandLineTest.SEED[0],
                CommandLineTest.SEED[1], CommandLineTest.SEED[2]);
        assertEquals(0, r.exit(), r.err());
        float[] values = CommandLineTest.numbers(r.out());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(CommandLineTest.SEED_MATRIX[i], java.util.Arrays.copyOfRange(values, 3 * i, 3 * i + 3),
                    1e-4f, r.out());
        }
    }

    @Test
    void askingForTheJavaEngineIsAnsweredWithTheBackendFlag() throws IOException {
        Path dir = hubLayout(true);
        CommandLineTest.Run r = CommandLineTest.run("encode", "--model", dir.toString(), "--backend", "java", "hi");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("model_type '" + NOT_IN_THE_ENGINE + "'"), r.err());
        assertTrue(r.err().contains("--backend onnx"), r.err());
        assertFalse(r.err().contains("LoadOptions"), r.err());
    }

    @Test
    void withoutAnyUsableWeightsTheErrorSaysWhatWouldLoadIt() throws IOException {
        Path dir = hubLayout(false);
        CommandLineTest.Run r = CommandLineTest.run("info", "--model", dir.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("model_type '" + NOT_IN_THE_ENGINE + "'") && r.err().contains("model.safetensors")
                && r.err().contains("export the model to ONNX"), r.err());
        assertFalse(r.err().contains("LoadOptions"), r.err());
    }

    @Test
    void anOnnxFileUnderAnotherNameIsOfferedAsTheOnnxFileFlag() throws IOException {
        Path dir = hubLayout(false);
        Path source = EmbeddedModels.materialize(
                EmbeddedModels.find("sentence-transformers/all-MiniLM-L6-v2").orElseThrow());
        Files.createDirectories(dir.resolve("onnx"));
        Files.createSymbolicLink(dir.resolve("onnx/model_O1.onnx"), source.resolve("onnx/model.onnx"));
        CommandLineTest.Run r = CommandLineTest.run("info", "--model", dir.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("--onnx-file onnx/model_O1.onnx"), r.err());
        CommandLineTest.Run ok = CommandLineTest.run("info", "--model", dir.toString(), "--onnx-file",
                "onnx/model_O1.onnx");
        assertEquals(0, ok.exit(), ok.err());
    }
}
