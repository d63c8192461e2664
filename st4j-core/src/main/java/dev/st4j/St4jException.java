package dev.st4j;

import java.util.List;
import java.util.function.Function;

/**
 * Base of every error st4j raises on purpose: the message names the problem and, where there is one, the fix.
 * Fixes that depend on how st4j is called (builder methods, command-line flags) are kept as {@link Fix} values:
 * {@link #getMessage()} says them as a library caller applies them, {@link #message(Function)} lets another caller
 * (the command line) say them its own way.
 */
public class St4jException extends RuntimeException {
    private final String problem;
    private final List<Fix> fixes;

    public St4jException(String message) {
        this(message, List.of(), null);
    }

    public St4jException(String message, Throwable cause) {
        this(message, List.of(), cause);
    }

    /** An error whose remedies are {@code fixes}, any one of which would do. */
    public St4jException(String problem, List<Fix> fixes, Throwable cause) {
        super(problem, cause);
        this.problem = problem;
        this.fixes = List.copyOf(fixes);
    }

    /** What went wrong, without the fixes. */
    public String problem() {
        return problem;
    }

    /** Changes that would make the call succeed (any one of them); empty when the problem text says it all. */
    public List<Fix> fixes() {
        return fixes;
    }

    /** The problem followed by the fixes, each said by {@code render}. */
    public String message(Function<Fix, String> render) {
        if (fixes.isEmpty()) {
            return problem;
        }
        StringBuilder out = new StringBuilder(problem).append(". To load it: ");
        for (int i = 0; i < fixes.size(); i++) {
            out.append(i == 0 ? "" : "; or ").append(render.apply(fixes.get(i)));
        }
        return out.toString();
    }

    @Override
    public String getMessage() {
        return message(Fix::forLibrary);
    }
}
