package dev.st4j;

/** The name given to {@link SentenceTransformer#load} is neither a local folder nor a model st4j can obtain. */
public class ModelNotFoundException extends St4jException {
    public ModelNotFoundException(String message) {
        super(message);
    }

    /** A model that was not found, with what would find it ({@link Fix}es each caller words its own way). */
    public ModelNotFoundException(String problem, java.util.List<Fix> fixes) {
        super(problem, fixes, null);
    }

    public ModelNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
