package dev.st4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Parameters;

/** The {@code FILE} argument of the commands that read their texts one per line ({@code mine}, {@code cluster}). */
final class LinesFile {
    @Parameters(paramLabel = "FILE", description = "Texts, one per line.")
    Path file;

    /** The file's lines, as {@link TextFile#read} reads them (errors name {@code FILE}). */
    List<String> read() throws IOException {
        return TextFile.read(file, "FILE");
    }
}
