package dev.st4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A texts file: one text per line, UTF-8; row i of the results is line i + 1. */
final class TextFile {
    private TextFile() {}

    static List<String> read(Path file, String flag) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(flag + " " + file + ": no such file");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + file + ": the file has no lines (one text per line)");
        }
        return List.copyOf(lines);
    }
}
