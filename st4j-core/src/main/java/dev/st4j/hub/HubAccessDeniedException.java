package dev.st4j.hub;

/**
 * The hub refused access (HTTP 401/403): the repository is private or gated and no token, or a token without
 * access, was sent. The message says which; it never contains the token.
 */
public class HubAccessDeniedException extends HubException {
    public HubAccessDeniedException(String message) {
        super(message);
    }
}
