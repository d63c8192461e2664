package dev.st4j.hub;

import dev.st4j.St4jException;

/** The hub could not be reached, answered something unexpected, or sent a file that failed verification. */
public class HubException extends St4jException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
