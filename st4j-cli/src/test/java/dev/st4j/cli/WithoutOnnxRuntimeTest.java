package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.SimilarityFunction;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with st4j-onnx and ONNX Runtime taken off its class path: the embedded model is unpacked (its
 * safetensors converted from the ONNX export in pure Java) and runs on the Java engine, and prints sbert.net's seed
 * matrix and the reference suite's query/document scores.
 */
class WithoutOnnxRuntimeTest {
    @TempDir
    static Path home;
    static String classPath;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void classPathWithoutOnnx() {
        List<String> all = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        List<String> kept = all.stream().filter(e -> !isOnnx(e)).toList();
        assertTrue(kept.size() < all.size() - 1, "the test class path held st4j-onnx and ONNX Runtime: " + all);
        classPath = String.join(File.pathSeparator, kept);
    }

    static boolean isOnnx(String entry) {
        String p = entry.replace('\\', '/');
        return p.contains("/st4j-onnx/") || p.contains("/st4j-onnx-") || p.contains("/onnxruntime");
    }

    /** The CLI in a child JVM, as the launcher starts it, with a fresh st4j home (so the model is unpacked anew). */
    static Run cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dst4j.home=" + home, "-cp", classPath,
                St4jCommand.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var err = new java.io.ByteArrayOutputStream();
        Thread drain = Thread.ofPlatform().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the CLI did not finish");
        drain.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void seedMatrixReferenceScoresAndInfoOnTheJavaEngine() throws IOException, InterruptedException {
        Run info = cli("info");
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("backend:             java (BERT, vector API "), info.out());
        assertTrue(info.out().contains("-bit kernels, weights packed at load ("), info.out());

        Run sim = cli("similarity", CommandLineTest.SEED[0], CommandLineTest.SEED[1], CommandLineTest.SEED[2]);
        assertEquals(0, sim.exit(), sim.err());
        float[] values = CommandLineTest.numbers(sim.out());
        assertEquals(9, values.length, sim.out());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(CommandLineTest.SEED_MATRIX[i], Arrays.copyOfRange(values, 3 * i, 3 * i + 3), 1e-4f,
                    sim.out());
        }

        Run enc = cli("encode", "--format", "jsonl", "Which planet is known as the Red Planet?",
                "Venus is often called Earth's twin because of its similar size and proximity.",
                "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
                "Jupiter, the largest planet in our solar system, has a prominent red spot.",
                "Saturn, famous for its rings, is sometimes mistaken for the Red Planet.");
        assertEquals(0, enc.exit(), enc.err());
        float[][] rows = enc.out().lines().map(CommandLineTest::numbers).toArray(float[][]::new);
        assertEquals(5, rows.length, enc.out());
        FloatMatrix m = FloatMatrix.of(rows);
        FloatMatrix query = FloatMatrix.of(new float[][] {m.row(0)});
        FloatMatrix docs = FloatMatrix.of(Arrays.copyOfRange(rows, 1, 5));
        assertArrayEquals(new float[] {0.46469f, 0.81146f, 0.72792f, 0.75019f},
                SimilarityFunction.COSINE.similarity(query, docs).row(0), 1e-4f);
    }

    @Test
    void askingForOnnxSaysWhichJarIsMissing() throws IOException, InterruptedException {
        Run r = cli("info", "--backend", "onnx");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("backend 'onnx' is not on the class path") && r.err().contains("st4j-onnx"),
                r.err());
        assertFalse(Arrays.stream(classPath.split(File.pathSeparator)).anyMatch(WithoutOnnxRuntimeTest::isOnnx),
                Arrays.stream(classPath.split(File.pathSeparator)).collect(Collectors.joining("\n")));
    }
}
