package dev.st4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/** Texts from the arguments, else one per line from standard input (empty lines are empty texts). */
final class Inputs {
    private Inputs() {}

    static List<String> texts(List<String> args) {
        if (args != null && !args.isEmpty()) {
            return args;
        }
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return in.lines().toList();
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read texts from standard input: " + e.getMessage());
        }
    }

    /**
     * The same texts, read lazily: the arguments, else standard input one line at a time, so a stream of any length
     * is never held in memory. A read error surfaces as {@link UncheckedIOException} from the iterator.
     */
    static Iterator<String> lines(List<String> args) {
        if (args != null && !args.isEmpty()) {
            return args.iterator();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        return in.lines().iterator();
    }

    static void checkNotEmpty(List<String> texts) throws IOException {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts: pass them as arguments or one per line on standard input");
        }
    }
}
