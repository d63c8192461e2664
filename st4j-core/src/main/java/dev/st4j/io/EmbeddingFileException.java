package dev.st4j.io;

import dev.st4j.St4jException;
import java.nio.file.Path;

/** An embeddings file ({@code .npy}, {@code .safetensors}) that st4j cannot read: the message names the file and why. */
public class EmbeddingFileException extends St4jException {
    private final Path file;

    public EmbeddingFileException(Path file, String problem) {
        super((file == null ? "<stream>" : file.toString()) + ": " + problem);
        this.file = file;
    }

    /** The file at fault, or null when reading from a stream. */
    public Path file() {
        return file;
    }
}
