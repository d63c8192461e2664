package dev.st4j;

import java.util.List;

/** The model is well formed but asks for something st4j does not run (a module type, remote code, a backend). */
public class UnsupportedModelException extends St4jException {
    public UnsupportedModelException(String message) {
        super(message);
    }

    /** An unsupported model that {@code fixes} would make loadable (any one of them). */
    public UnsupportedModelException(String problem, List<Fix> fixes) {
        super(problem, fixes, null);
    }
}
