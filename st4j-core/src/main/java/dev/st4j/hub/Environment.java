package dev.st4j.hub;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where hub settings come from: the process environment in production, a plain map in tests (so no test has to
 * change real environment variables).
 */
@FunctionalInterface
public interface Environment {

    /** The variable's value, or null when it is unset. */
    String get(String name);

    /** The variable's value, or null when it is unset or blank. */
    default String nonBlank(String name) {
        String v = get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The user's home folder, for {@code ~} and the default cache. */
    default Path userHome() {
        return Path.of(System.getProperty("user.home"));
    }

    /** The real process environment. */
    static Environment system() {
        return System::getenv;
    }

    /** A fixed set of variables; {@code HOME}, when present, is the user's home folder. */
    static Environment of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return new Environment() {
            @Override
            public String get(String name) {
                return copy.get(name);
            }

            @Override
            public Path userHome() {
                String home = copy.get("HOME");
                return home != null ? Path.of(home) : Path.of(System.getProperty("user.home"));
            }
        };
    }
}
