package dev.st4j.tokenizers.normalizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.NormalizedString;
import dev.st4j.tokenizers.TokenizerFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.Base64;

/**
 * SentencePiece's compiled normalization rules ({@code precompiled_charsmap}): a darts-clone double-array trie of
 * UTF-8 keys whose values point into a blob of NUL-terminated replacements. As in Hugging Face, each grapheme
 * cluster shorter than 6 UTF-8 bytes is replaced whole when a prefix of it is a key (the shortest such key wins);
 * otherwise each character is looked up on its own.
 */
final class Precompiled implements Normalizer {
    private final int[] trie;
    private final byte[] normalized;

    /** Whether each ASCII character on its own has a rule. */
    private final boolean[] asciiMapped = new boolean[128];

    private Precompiled(int[] trie, byte[] normalized) {
        this.trie = trie;
        this.normalized = normalized;
        for (int c = 0; c < 128; c++) {
            asciiMapped[c] = transform(new byte[] {(byte) c}) != null;
        }
    }

    static Normalizer fromJson(JsonNode node) {
        JsonNode map = node.get("precompiled_charsmap");
        if (map == null || map.isNull()) {
            // HF treats a missing charsmap as no normalization.
            return text -> { };
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(map.asText());
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException("Precompiled precompiled_charsmap is not base64: " + e.getMessage());
        }
        if (data.length == 0) {
            return text -> { };
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 4) {
            throw new TokenizerFormatException("Precompiled precompiled_charsmap is truncated");
        }
        int trieBytes = buf.getInt();
        if (trieBytes < 0 || trieBytes % 4 != 0 || 4 + trieBytes > data.length) {
            throw new TokenizerFormatException("Precompiled precompiled_charsmap has a bad trie size " + trieBytes);
        }
        int[] trie = new int[trieBytes / 4];
        for (int i = 0; i < trie.length; i++) {
            trie[i] = buf.getInt();
        }
        byte[] rest = new byte[data.length - 4 - trieBytes];
        buf.get(rest);
        return new Precompiled(trie, rest);
    }

    /** The replacement for the first (shortest) key that is a prefix of {@code chunk}, or null. */
    private String transform(byte[] chunk) {
        int pos = 0;
        if (trie.length == 0) {
            return null;
        }
        int unit = trie[pos];
        pos ^= offset(unit);
        for (byte b : chunk) {
            int c = b & 0xFF;
            if (c == 0) {
                break;
            }
            pos ^= c;
            if (pos < 0 || pos >= trie.length) {
                return null;
            }
            unit = trie[pos];
            if ((unit & ((1 << 31) | 0xFF)) != c) {
                return null;
            }
            pos ^= offset(unit);
            if (((unit >>> 8) & 1) == 1) {
                if (pos < 0 || pos >= trie.length) {
                    return null;
                }
                int value = trie[pos] & 0x7FFFFFFF;
                int end = value;
                while (end < normalized.length && normalized[end] != 0) {
                    end++;
                }
                if (value > normalized.length) {
                    return null;
                }
                return new String(normalized, value, end - value, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    @Override
    public void normalize(NormalizedString text) {
        String s = text.get();
        if (s.isEmpty()) {
            return;
        }
        if (asciiUnchanged(s)) {
            return;
        }
        NormalizedString.Changes out = new NormalizedString.Changes();
        boolean modified = false;
        BreakIterator graphemes = BreakIterator.getCharacterInstance();
        graphemes.setText(s);
        int start = graphemes.first();
        for (int end = graphemes.next(); end != BreakIterator.DONE; start = end, end = graphemes.next()) {
            String g = s.substring(start, end);
            byte[] bytes = g.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 6) {
                String norm = transform(bytes);
                if (norm != null) {
                    modified = true;
                    replace(out, g, norm);
                    continue;
                }
            }
            for (int i = 0; i < g.length(); ) {
                int cp = g.codePointAt(i);
                int w = Character.charCount(cp);
                String part = g.substring(i, i + w);
                String norm = transform(part.getBytes(StandardCharsets.UTF_8));
                if (norm != null) {
                    modified = true;
                    replace(out, part, norm);
                } else {
                    out.add(cp, 0);
                }
                i += w;
            }
        }
        if (modified) {
            text.transform(out, 0);
        }
    }

    /**
     * Whether the text is ASCII that the rules leave alone: each such character is its own grapheme (CR LF aside,
     * which is then looked up as a pair) and has no replacement.
     */
    private boolean asciiUnchanged(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || asciiMapped[c] || c == '\r') {
                return false;
            }
        }
        return true;
    }

    /** HF's change codes for one replaced part: extra characters are insertions, missing ones removals. */
    private static void replace(NormalizedString.Changes out, String oldPart, String newPart) {
        int oldCount = oldPart.codePointCount(0, oldPart.length());
        int[] cps = newPart.codePoints().toArray();
        int diff = cps.length - oldCount;
        for (int i = 0; i < cps.length; i++) {
            out.add(cps[i], diff > 0 && i >= cps.length - diff ? 1 : 0);
        }
        if (diff < 0) {
            out.addToLast(diff);
        }
    }
}
