package dev.st4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        CodingErrorAction action = replaceInvalid ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(action)
                .onUnmappableCharacter(action);
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    out.add(decode(decoder, line, out.size() + 1));
                    line.reset();
                } else {
                    line.write(buf[i]);
                }
            }
        }
        if (line.size() > 0) {
            out.add(decode(decoder, line, out.size() + 1));
        }
        return out;
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
