package dev.st4j;

import java.nio.file.Path;
import java.util.List;

/** A model folder holds a file that is missing, unreadable or not what sentence-transformers writes. */
public class ModelFormatException extends St4jException {
    private final Path file;

    public ModelFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** A file problem that {@code fixes} would get round (any one of them). */
    public ModelFormatException(Path file, String problem, List<Fix> fixes) {
        super(file + ": " + problem, fixes, null);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
