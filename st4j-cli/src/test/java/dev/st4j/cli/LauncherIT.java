package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./st4j} launcher as users run it: JAVA_OPTS reach the JVM, stderr stays quiet, stdin streams. */
class LauncherIT {
    static final Path ROOT = Path.of(System.getProperty("st4j.root", ".."));

    record Run(int exit, String out, String err) {}

    static Run st4j(Map<String, String> env, Path stdin, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("st4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        int exit = pb.start().waitFor();
        return new Run(exit, Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")));
    }

    @Test
    void aNormalRunPrintsNoJvmWarningAndJavaOptsReachTheJvm(@TempDir Path dir) throws Exception {
        Run r = st4j(Map.of(), null, dir, "encode", "The weather is lovely today.");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err(), "nothing on stderr, in particular no 'Using incubator modules' warning");
        assertEquals(384, CommandLineTest.numbers(r.out()).length);
        // -XshowSettings:vm makes the JVM print its heap limit: proof that JAVA_OPTS got there, word by word.
        r = st4j(Map.of("JAVA_OPTS", "-Xmx100m -XshowSettings:vm"), null, dir, "info");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("100.00M"), r.err());
        assertTrue(!r.err().contains("incubator"), r.err());
        // Errors still reach stderr, with the exit code.
        r = st4j(Map.of(), null, dir, "encode", "--batch-size", "0", "x");
        assertEquals(2, r.exit());
        assertEquals("st4j: batchSize must be positive, got 0\n", r.err());
    }

    @Test
    void belowFourCoresTheJitGetsASecondOptimizingCompilerThreadUnlessJavaOptsSetsTheCount(@TempDir Path dir)
            throws Exception {
        Process nproc = new ProcessBuilder("nproc").start();
        int cores = Integer.parseInt(new String(nproc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        Run r = st4j(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal"), null, dir, "--version");
        assertEquals(0, r.exit(), r.err());
        if (cores < 4) {
            assertTrue(Pattern.compile("CICompilerCount += 3 ").matcher(r.out()).find(), "1 C1 + 2 C2 threads");
        }
        r = st4j(Map.of("JAVA_OPTS", "-XX:CICompilerCount=2 -XX:+PrintFlagsFinal"), null, dir, "--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Pattern.compile("CICompilerCount += 2 ").matcher(r.out()).find(), "JAVA_OPTS wins");
    }

    @Test
    void writingAnArchiveRemovesPartialArchivesThatKilledRunsLeftBehind(@TempDir Path dir) throws Exception {
        Path cds = dir.resolve("home/cds");
        Files.createDirectories(cds);
        Path stale = Files.writeString(cds.resolve(".4242-17.jsa.partial"), "killed two hours ago");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path running = Files.writeString(cds.resolve(".4343-18.jsa.partial"), "a run still writing");
        Run r = st4j(Map.of("ST4J_HOME", dir.resolve("home").toString()), null, dir, "--version");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(!Files.exists(stale), "the partial archive of a run killed hours ago is removed");
        assertTrue(Files.exists(running), "a fresh partial may belong to a run still going: it stays");
        try (var files = Files.list(cds)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".jsa")).count(),
                    "this run's archive is published");
        }
    }

    @Tag("slow")
    @Test
    void streams200000LinesIntoAnNpyWithA128MegabyteHeap(@TempDir Path dir) throws Exception {
        int n = 200_000;
        Path input = dir.resolve("input.txt");
        try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                w.write(line(i));
                w.write('\n');
            }
        }
        Path npy = dir.resolve("out.npy");
        Run r = st4j(Map.of("JAVA_OPTS", "-Xmx128m"), input, dir, "encode", "--output", npy.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        int[] sample = {0, 1, 77_777, 123_456, 199_998, n - 1};
        List<String> texts = new ArrayList<>();
        for (int i : sample) {
            texts.add(line(i));
        }
        FloatMatrix expected;
        try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            expected = model.encode(texts);
        }
        try (FileChannel ch = FileChannel.open(npy)) {
            ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            int headerLen = Short.toUnsignedInt(head.getShort(8));
            ByteBuffer header = ByteBuffer.allocate(headerLen);
            ch.read(header, 10);
            String h = new String(header.array(), StandardCharsets.US_ASCII);
            Matcher m = Pattern.compile("'shape': \\((\\d+), 384\\)").matcher(h);
            assertTrue(m.find(), h);
            assertEquals(n, Integer.parseInt(m.group(1)), "every row written");
            assertEquals(10 + headerLen + (long) n * 384 * 4, ch.size());
            for (int k = 0; k < sample.length; k++) {
                ByteBuffer row = ByteBuffer.allocate(384 * 4).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(row, 10 + headerLen + (long) sample[k] * 384 * 4);
                float[] values = new float[384];
                row.flip().asFloatBuffer().get(values);
                assertArrayEquals(expected.row(k), values, 1e-5f, "row " + sample[k] + " in input order");
            }
        }
    }

    static String line(int i) {
        return "Stream line " + i + (i % 3 == 0 ? " about the river" : i % 3 == 1 ? " on the weather" : "");
    }
}
