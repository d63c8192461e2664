package dev.st4j;

/** The model is well formed but asks for something st4j does not run (a module type, remote code, a backend). */
public class UnsupportedModelException extends St4jException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
