package dev.st4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Texts from the arguments, else one per line from standard input (empty lines are empty texts). */
final class Inputs {
    private Inputs() {}

    static List<String> texts(List<String> args) {
        return texts(args, false);
    }

    /**
     * The arguments, else standard input's lines. Bytes that are not UTF-8 are an error naming the line, unless
     * {@code replaceInvalid} (then they become U+FFFD, as most tools do silently).
     */
    static List<String> texts(List<String> args, boolean replaceInvalid) {
        if (args != null && !args.isEmpty()) {
            return args;
        }
        try {
            return lines(System.in, replaceInvalid);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read texts from standard input: " + e.getMessage());
        }
    }

    static List<String> lines(InputStream in, boolean replaceInvalid) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            lineIterator(in, replaceInvalid).forEachRemaining(out::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /**
     * The arguments, else standard input's lines read lazily (one buffer at a time), so a stream of any length is
     * never held in memory; a read error surfaces as {@link UncheckedIOException} from the iterator.
     */
    static Iterator<String> lines(List<String> args, boolean replaceInvalid) {
        if (args != null && !args.isEmpty()) {
            return args.iterator();
        }
        return lineIterator(System.in, replaceInvalid);
    }

    /** Lines split on {@code \n} (a trailing {@code \r} dropped), decoded as UTF-8 as {@link #decode} says. */
    private static Iterator<String> lineIterator(InputStream in, boolean replaceInvalid) {
        CodingErrorAction action = replaceInvalid ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(action)
                .onUnmappableCharacter(action);
        return new Iterator<>() {
            final byte[] buf = new byte[1 << 16];
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            int pos;
            int limit;
            int number;
            boolean eof;
            String next;

            @Override
            public boolean hasNext() {
                if (next == null && !eof) {
                    next = read();
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = null;
                return s;
            }

            private String read() {
                try {
                    while (true) {
                        if (pos == limit) {
                            limit = in.read(buf);
                            pos = 0;
                            if (limit <= 0) {
                                eof = true;
                                limit = 0;
                                return line.size() > 0 ? decode(decoder, line, ++number) : null;
                            }
                        }
                        while (pos < limit) {
                            byte b = buf[pos++];
                            if (b == '\n') {
                                String s = decode(decoder, line, ++number);
                                line.reset();
                                return s;
                            }
                            line.write(b);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read texts from standard input: " + e.getMessage(), e);
                }
            }
        };
    }

    private static String decode(CharsetDecoder decoder, ByteArrayOutputStream line, int number) {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("standard input line " + number + " is not valid UTF-8; fix the "
                    + "input's encoding, or pass --replace-invalid-utf8 to read bad bytes as U+FFFD");
        }
    }

    static void checkNotEmpty(List<String> texts) throws IOException {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts: pass them as arguments or one per line on standard input");
        }
    }
}
