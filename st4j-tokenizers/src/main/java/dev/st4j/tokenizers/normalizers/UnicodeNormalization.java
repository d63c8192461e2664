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
        NormalizedString.Changes out = decomposing ? perCodePoint(s, form) : byDecomposition(s, target, form);
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

    /**
     * Composed output: each output character stands for as many decomposed input characters as it decomposes to;
     * it replaces the first input character among them and removes the others it covers completely (a character
     * built from an earlier input's pieces is an insertion).
     */
    private static NormalizedString.Changes byDecomposition(String s, String target, Form form) {
        Form d = form == Form.NFKC ? Form.NFKD : Form.NFD;
        java.util.List<Integer> tags = new java.util.ArrayList<>();
        int source = 0;
        for (int i = 0; i < s.length(); source++) {
            int w = Character.charCount(s.codePointAt(i));
            int k = Normalizer.normalize(s.substring(i, i + w), d).codePointCount(0,
                    Normalizer.normalize(s.substring(i, i + w), d).length());
            for (int j = 0; j < k; j++) {
                tags.add(source);
            }
            i += w;
        }
        NormalizedString.Changes out = new NormalizedString.Changes();
        int at = 0;
        int consumedSources = 0;
        for (int i = 0; i < target.length(); ) {
            int cp = target.codePointAt(i);
            int w = Character.charCount(cp);
            String dec = Normalizer.normalize(target.substring(i, i + w), d);
            int k = dec.codePointCount(0, dec.length());
            if (at + k > tags.size()) {
                return null;
            }
            int last = tags.get(at + k - 1);
            int fresh = last + 1 - consumedSources;
            at += k;
            if (fresh <= 0) {
                out.add(cp, 1);
            } else {
                out.add(cp, -(fresh - 1));
                consumedSources = last + 1;
            }
            i += w;
        }
        return at == tags.size() && consumedSources == source ? out : null;
    }

    /** Normalizes runs that start at a base character; within a run, output k takes input k's alignment. */
    private static NormalizedString.Changes perSegment(String s, Form form, boolean split) {
        NormalizedString.Changes out = new NormalizedString.Changes();
        int start = 0;
        int n = s.length();
        while (start < n) {
            int end = start + Character.charCount(s.codePointAt(start));
            if (split) {
                Form decomposed = form == Form.NFKC || form == Form.NFKD ? Form.NFKD : Form.NFD;
                while (end < n) {
                    int cp = s.codePointAt(end);
                    int w = Character.charCount(cp);
                    // A character joins the run when its decomposition starts with something that combines.
                    int first = cp < 0xC0 ? cp : Normalizer.normalize(s.substring(end, end + w), decomposed)
                            .codePointAt(0);
                    if (isBase(first)) {
                        break;
                    }
                    end += w;
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
