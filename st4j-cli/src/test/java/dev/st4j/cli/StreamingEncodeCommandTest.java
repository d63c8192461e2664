package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code st4j encode} streaming standard input to jsonl and .npy, checked against in-memory encodes. */
class StreamingEncodeCommandTest {
    static List<String> lines(int n) {
        return IntStream.range(0, n).mapToObj(i -> "Line " + i + " of the stream: " + "the river runs ".repeat(i % 4))
                .toList();
    }

    static CommandLineTest.Run withStdin(InputStream in, String... args) {
        InputStream saved = System.in;
        try {
            System.setIn(in);
            return CommandLineTest.run(args);
        } finally {
            System.setIn(saved);
        }
    }

    static InputStream utf8(List<String> lines) {
        return new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonlAndNpyFromStandardInputEqualInMemoryEncodes(@TempDir Path dir) throws IOException {
        List<String> texts = lines(300);
        FloatMatrix expected;
        try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            expected = model.encode(texts);
        }
        CommandLineTest.Run r = withStdin(utf8(texts), "encode", "--format", "jsonl");
        assertEquals(0, r.exit(), r.err());
        String[] rows = r.out().split("\n");
        assertEquals(300, rows.length);
        for (int i = 0; i < rows.length; i += 37) {
            assertArrayEquals(expected.row(i), CommandLineTest.numbers(rows[i]), 1e-6f, "row " + i);
        }
        Path npy = dir.resolve("out.npy");
        r = withStdin(utf8(texts), "encode", "--output", npy.toString());
        assertEquals(0, r.exit(), r.err());
        FloatMatrix m = CommandLineTest.readNpy(npy);
        assertArrayEquals(new int[] {300, 384}, m.shape());
        for (int i = 0; i < 300; i++) {
            assertArrayEquals(expected.row(i), m.row(i), 1e-6f, "row " + i);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(npy), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void emptyInputIsAnEmptyNpy(@TempDir Path dir) throws IOException {
        Path npy = dir.resolve("empty.npy");
        CommandLineTest.Run r = withStdin(new ByteArrayInputStream(new byte[0]), "encode", "-o", npy.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(new int[] {0, 384}, CommandLineTest.readNpy(npy).shape());
    }

    @Test
    void aReaderThatFailsMidStreamLeavesNoFile(@TempDir Path dir) throws IOException {
        byte[] good = (String.join("\n", lines(3000)) + "\n").getBytes(StandardCharsets.UTF_8);
        InputStream failing = new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                if (pos >= good.length) {
                    throw new IOException("the pipe broke");
                }
                return good[pos++];
            }
        };
        for (String name : new String[] {"out.npy", "out.jsonl"}) {
            Path file = dir.resolve(name);
            CommandLineTest.Run r = withStdin(failing, "encode", "--output", file.toString(), "--format",
                    name.endsWith("npy") ? "npy" : "jsonl");
            assertEquals(1, r.exit(), r.out());
            assertTrue(r.err().contains("the pipe broke"), r.err());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "neither the file nor a temporary one is left");
            }
        }
    }
}
