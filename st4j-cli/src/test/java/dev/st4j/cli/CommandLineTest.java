package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.SimilarityFunction;
import dev.st4j.hub.FakeHub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The st4j command line against the numbers sbert.net prints for all-MiniLM-L6-v2. */
class CommandLineTest {
    static final String[] SEED = {"The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."};
    static final float[][] SEED_MATRIX = {{1.0000f, 0.6660f, 0.1046f}, {0.6660f, 1.0000f, 0.1411f},
        {0.1046f, 0.1411f, 1.0000f}};

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = St4jCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static float[] numbers(String text) {
        Matcher m = Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?").matcher(text);
        java.util.List<Float> values = new java.util.ArrayList<>();
        while (m.find()) {
            values.add(Float.parseFloat(m.group()));
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void similarityPrintsTheSeedMatrix() {
        Run r = run("similarity", SEED[0], SEED[1], SEED[2]);
        assertEquals(0, r.exit(), r.err());
        float[] values = numbers(r.out());
        assertEquals(9, values.length, r.out());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(SEED_MATRIX[i][j], values[i * 3 + j], 1e-4f, r.out());
            }
        }
    }

    @Test
    void aLoneSurrogateIsRefusedUnlessReplacementIsAskedFor() {
        Run refused = run("encode", "caf\u00e9 \uD800 ok");
        assertTrue(refused.exit() != 0, refused.out());
        assertTrue(refused.err().contains("position 5") && refused.err().contains("--replace-unpaired-surrogates"),
                refused.err());
        Run replaced = run("encode", "--replace-unpaired-surrogates", "caf\u00e9 \uD800 ok");
        Run fixed = run("encode", "caf\u00e9 \uFFFD ok");
        assertEquals(0, replaced.exit(), replaced.err());
        assertArrayEquals(numbers(fixed.out()), numbers(replaced.out()), 1e-6f);
    }

    @Test
    void npyOutputLoadsWithShapeAndValues(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("emb.npy");
        Run r = run("encode", "--output", file.toString(), SEED[0], SEED[1], SEED[2]);
        assertEquals(0, r.exit(), r.err());
        FloatMatrix m = readNpy(file);
        assertArrayEquals(new int[] {3, 384}, m.shape());
        FloatMatrix sim = SimilarityFunction.COSINE.similarity(m, m);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(SEED_MATRIX[i], sim.row(i), 1e-4f);
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void jsonOutputHasOneArrayPerText() {
        Run r = run("encode", "--format", "json", "--normalize", "a", "b");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("[["), r.out());
        assertEquals(2 * 384, numbers(r.out()).length);
    }

    @Test
    void textsComeFromStandardInputOnePerLine() {
        java.io.InputStream saved = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(String.join("\n", SEED).concat("\n")
                    .getBytes(StandardCharsets.UTF_8)));
            Run r = run("encode", "--format", "jsonl");
            assertEquals(0, r.exit(), r.err());
            String[] lines = r.out().split("\n");
            assertEquals(3, lines.length);
            FloatMatrix m = FloatMatrix.of(new float[][] {numbers(lines[0]), numbers(lines[1]), numbers(lines[2])});
            assertArrayEquals(SEED_MATRIX[1], SimilarityFunction.COSINE.similarity(m, m).row(1), 1e-4f);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void ubinaryPrecisionPacksEightDimensionsPerByte(@TempDir Path dir) throws IOException {
        Run r = run("encode", "--precision", "ubinary", "--format", "jsonl", SEED[0]);
        assertEquals(0, r.exit(), r.err());
        String[] values = r.out().trim().replaceAll("[\\[\\]]", "").split(", ");
        assertEquals(384 / 8, values.length, r.out());
        Path file = dir.resolve("q.npy");
        assertEquals(0, run("encode", "--precision", "int8", "-o", file.toString(), SEED[0], SEED[1]).exit());
        String header = new String(Files.readAllBytes(file), 10, 70, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '|i1'") && header.contains("'shape': (2, 384)"), header);
        assertEquals(128 + 2 * 384, Files.size(file));
    }

    @Test
    void infoReportsDimensionLengthModulesAndBackend() {
        Run r = run("info", "--model", "all-MiniLM-L6-v2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("dimension:           384"), r.out());
        assertTrue(r.out().contains("max sequence length: 256"), r.out());
        assertTrue(r.out().contains("Pooling(mean)"), r.out());
        assertTrue(r.out().contains("backend:             java (BERT, "), r.out());
    }

    @Test
    void unknownFunctionIsAUsageError() {
        Run r = run("similarity", "--function", "jaccard", "a", "b");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'jaccard' is not a valid SimilarityFunction"), r.err());
    }

    /**
     * An id the hub does not know: the local fake hub answers 404 {@code RepoNotFound}, as huggingface.co does. The
     * CLI runs in a child JVM whose {@code HF_ENDPOINT} is the fake hub (the variable is how users point st4j at a
     * mirror), so nothing here reaches a real host; the error names the model and the flags that would fix it.
     */
    @Test
    void unknownModelIsReportedWithoutAStackTraceNamingTheModelAndTheFlags(@TempDir Path home) throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.addCommit("org/some-other-model", Map.of("config.json", "{}".getBytes(StandardCharsets.UTF_8)),
                    "main");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), St4jCommand.class.getName(),
                    "info", "--model", "org/no-such-model");
            pb.environment().put("HF_ENDPOINT", hub.url());
            pb.environment().put("HF_HOME", home.resolve("hf").toString());
            pb.environment().put("HF_HUB_CACHE", home.resolve("hf/hub").toString());
            pb.environment().put("ST4J_HOME", home.resolve("st4j").toString());
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.waitFor(), err);
            String message = err.lines().filter(l -> l.startsWith("st4j: ")).findFirst().orElse(err);
            assertTrue(message.contains("'org/no-such-model' was not found on " + hub.url()), err);
            assertTrue(message.contains("--model") && message.contains("--token"), err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), err);
            assertTrue(hub.requests().stream().anyMatch(r -> r.path().contains("org/no-such-model")),
                    hub.requests().toString());
        }
    }

    /** A minimal reader for .npy format 1.0 float32 C-order files (what numpy.load accepts). */
    static FloatMatrix readNpy(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        b.get(magic);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, magic);
        assertEquals(1, b.get());
        assertEquals(0, b.get());
        int headerLen = Short.toUnsignedInt(b.getShort());
        byte[] header = new byte[headerLen];
        b.get(header);
        String h = new String(header, StandardCharsets.US_ASCII);
        assertEquals(0, (10 + headerLen) % 64, "data starts 64-byte aligned");
        assertTrue(h.contains("'descr': '<f4'") && h.contains("'fortran_order': False"), h);
        Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(h);
        assertTrue(m.find(), h);
        int rows = Integer.parseInt(m.group(1));
        int cols = Integer.parseInt(m.group(2));
        float[] data = new float[rows * cols];
        b.asFloatBuffer().get(data);
        return FloatMatrix.of(rows, cols, data);
    }
}
