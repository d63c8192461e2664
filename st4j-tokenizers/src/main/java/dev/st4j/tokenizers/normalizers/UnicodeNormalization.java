package dev.st4j.tokenizers.normalizers;

import dev.st4j.tokenizers.NormalizedString;
import java.text.Normalizer;
import java.text.Normalizer.Form;

/**
 * NFC/NFD/NFKC/NFKD over a {@link NormalizedString}, keeping alignments: every output character maps to the input
 * character it came from; a character composed from several maps to the first of them.
 */
final class UnicodeNormalization {
    private UnicodeNormalization() {}

    static void apply(NormalizedString text, Form form) {
        String s = text.get();
        if (Normalizer.isNormalized(s, form)) {
            return;
        }
        String target = Normalizer.normalize(s, form);
        boolean decomposing = form == Form.NFD || form == Form.NFKD;
        NormalizedString.Changes out = decomposing ? perCodePoint(s, form) : null;
        if (out == null || !matches(out, target)) {
            out = perSegment(s, form, true);
            if (!matches(out, target)) {
                out = perSegment(s, form, false);
            }
        }
        text.transform(out, 0);
    }

    private static NormalizedString.Changes perCodePoint(String s, Form form) {
        NormalizedString.Changes out = new NormalizedString.Changes();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int w = Character.charCount(cp);
            String d = cp < 0xC0 && form == Form.NFD ? null : Normalizer.normalize(s.substring(i, i + w), form);
            if (d == null) {
                out.add(cp, 0);
            } else {
                emit(out, d, 1);
            }
            i += w;
        }
        return out;
    }

    /** Normalizes runs that start at a base character; within a run, output k takes input k's alignment. */
    private static NormalizedString.Changes perSegment(String s, Form form, boolean split) {
        NormalizedString.Changes out = new NormalizedString.Changes();
        int start = 0;
        int n = s.length();
        while (start < n) {
            int end = start + Character.charCount(s.codePointAt(start));
            if (split) {
                while (end < n && !isBase(s.codePointAt(end))) {
                    end += Character.charCount(s.codePointAt(end));
                }
            } else {
                end = n;
            }
            String chunk = s.substring(start, end);
            emit(out, Normalizer.normalize(chunk, form), chunk.codePointCount(0, chunk.length()));
            start = end;
        }
        return out;
    }

    private static void emit(NormalizedString.Changes out, String normalized, int consumed) {
        int[] cps = normalized.codePoints().toArray();
        int k = cps.length;
        if (k == 0) {
            // Everything normalized away: HF's transform has no character to carry the removal; keep none.
            return;
        }
        for (int j = 0; j < k; j++) {
            int change;
            if (j < consumed) {
                change = j == k - 1 ? -(consumed - k) : 0;
            } else {
                change = 1;
            }
            out.add(cps[j], change);
        }
    }

    private static boolean isBase(int cp) {
        int t = Character.getType(cp);
        if (t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK) {
            return false;
        }
        // Hangul vowel and trailing jamo compose with what precedes them.
        return !((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2));
    }

    private static boolean matches(NormalizedString.Changes out, String target) {
        StringBuilder sb = new StringBuilder(target.length());
        for (int i = 0; i < out.size(); i++) {
            sb.appendCodePoint(out.cp(i));
        }
        return sb.toString().equals(target);
    }
}
