package dev.st4j;

/** Base of every error st4j raises on purpose: the message names the problem and, where there is one, the fix. */
public class St4jException extends RuntimeException {
    public St4jException(String message) {
        super(message);
    }

    public St4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
