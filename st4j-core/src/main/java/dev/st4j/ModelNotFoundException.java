package dev.st4j;

/** The name given to {@link SentenceTransformer#load} is neither a local folder nor a model st4j can obtain. */
public class ModelNotFoundException extends St4jException {
    public ModelNotFoundException(String message) {
        super(message);
    }

    public ModelNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
