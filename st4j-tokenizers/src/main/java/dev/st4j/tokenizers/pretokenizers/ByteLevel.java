package dev.st4j.tokenizers.pretokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.NormalizedString;
import dev.st4j.tokenizers.NormalizedString.SplitBehavior;
import dev.st4j.tokenizers.Patterns;
import dev.st4j.tokenizers.PreTokenizedString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * GPT-2's byte-level pre-tokenizer: optional leading space, the GPT-2 word regex, then every UTF-8 byte as one of
 * 256 printable characters. The byte/character tables are shared with the ByteLevel decoder and post-processor.
 */
public final class ByteLevel implements PreTokenizer {
    /** GPT-2's split regex. */
    static final NormalizedString.Pattern GPT2 = Patterns.regex(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final boolean addPrefixSpace;
    private final boolean useRegex;

    ByteLevel(boolean addPrefixSpace, boolean useRegex) {
        this.addPrefixSpace = addPrefixSpace;
        this.useRegex = useRegex;
    }

    static ByteLevel fromJson(JsonNode node) {
        return new ByteLevel(Json.bool(node, "add_prefix_space", true), Json.bool(node, "use_regex", true));
    }

    /** The printable character that stands for byte {@code b}. */
    public static char byteChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a printable character stands for, or -1. */
    public static int charByte(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Token strings back to text: characters to bytes, bytes as UTF-8 (invalid sequences become U+FFFD). */
    public static String decodeBytes(String s) {
        byte[] bytes = new byte[s.length() * 4];
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int b = charByte(cp);
            if (b >= 0) {
                bytes[n++] = (byte) b;
            } else {
                byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(raw, 0, bytes, n, raw.length);
                n += raw.length;
            }
            i += Character.charCount(cp);
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split(n -> {
            if (addPrefixSpace && !n.get().startsWith(" ")) {
                n.prepend(" ");
            }
            return useRegex ? n.split(GPT2, SplitBehavior.ISOLATED) : List.of(n);
        });
        text.normalize(ByteLevel::toByteChars);
    }

    /** Rewrites every character as the characters of its UTF-8 bytes. */
    static void toByteChars(NormalizedString n) {
        String s = n.get();
        NormalizedString.Changes out = new NormalizedString.Changes();
        byte[] buf = new byte[4];
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = utf8(cp, buf);
            for (int k = 0; k < len; k++) {
                out.add(BYTE_TO_CHAR[buf[k] & 0xFF], k > 0 ? 1 : 0);
            }
            i += Character.charCount(cp);
        }
        n.transform(out, 0);
    }

    static int utf8(int cp, byte[] buf) {
        if (cp < 0x80) {
            buf[0] = (byte) cp;
            return 1;
        }
        if (cp < 0x800) {
            buf[0] = (byte) (0xC0 | (cp >> 6));
            buf[1] = (byte) (0x80 | (cp & 0x3F));
            return 2;
        }
        if (cp < 0x10000) {
            buf[0] = (byte) (0xE0 | (cp >> 12));
            buf[1] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[2] = (byte) (0x80 | (cp & 0x3F));
            return 3;
        }
        buf[0] = (byte) (0xF0 | (cp >> 18));
        buf[1] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[2] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[3] = (byte) (0x80 | (cp & 0x3F));
        return 4;
    }
}
