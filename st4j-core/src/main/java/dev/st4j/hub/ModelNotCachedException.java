package dev.st4j.hub;

import dev.st4j.ModelNotFoundException;
import java.util.List;

/** Offline (or the hub unreachable), and the cache lacks files the model needs. */
public class ModelNotCachedException extends ModelNotFoundException {
    private final List<String> missingFiles;

    public ModelNotCachedException(String message, List<String> missingFiles) {
        super(message);
        this.missingFiles = List.copyOf(missingFiles);
    }

    /** The repository paths the cache lacks. */
    public List<String> missingFiles() {
        return missingFiles;
    }
}
