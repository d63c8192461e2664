package dev.st4j.tokenizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * A piece of the input text as the pipeline rewrites it, with, for every UTF-16 unit of the rewritten text, the
 * range of the original text it came from. Normalizers and pre-tokenizers edit it through {@link #transform}, whose
 * change codes are those of Hugging Face tokenizers (0 replaces a character, +1 inserts one, -n replaces one and
 * drops the n following), so offsets come out as the reference library computes them.
 */
public final class NormalizedString {
    private String normalized;
    /** Per UTF-16 unit of {@link #normalized}: the start and end (UTF-16 offsets) in the original text. */
    private int[] alignStart;
    private int[] alignEnd;
    /** The original range this piece covers (used when the piece becomes empty). */
    private final int originalStart;
    private final int originalEnd;

    /** The whole of {@code text}, not yet normalized. */
    public NormalizedString(String text) {
        this(text, 0);
    }

    NormalizedString(String text, int shift) {
        this.normalized = text;
        int n = text.length();
        this.alignStart = new int[n];
        this.alignEnd = new int[n];
        int i = 0;
        while (i < n) {
            int w = Character.charCount(text.codePointAt(i));
            for (int k = 0; k < w; k++) {
                alignStart[i + k] = shift + i;
                alignEnd[i + k] = shift + i + w;
            }
            i += w;
        }
        this.originalStart = shift;
        this.originalEnd = shift + n;
    }

    private NormalizedString(String normalized, int[] alignStart, int[] alignEnd, int originalStart, int originalEnd) {
        this.normalized = normalized;
        this.alignStart = alignStart;
        this.alignEnd = alignEnd;
        this.originalStart = originalStart;
        this.originalEnd = originalEnd;
    }

    /** Where this piece starts in the original text (UTF-16 offset). */
    public int originalStart() {
        return originalStart;
    }

    /** The current text. */
    public String get() {
        return normalized;
    }

    public int length() {
        return normalized.length();
    }

    public boolean isEmpty() {
        return normalized.isEmpty();
    }

    /**
     * The original range (UTF-16 offsets) of the normalized range [start, end): from the first unit's start to the
     * last unit's end, as Hugging Face expands alignments.
     */
    public int[] originalRange(int start, int end) {
        if (normalized.isEmpty() || start >= end) {
            if (normalized.isEmpty()) {
                return new int[] {originalStart, originalEnd};
            }
            int at = Math.min(start, normalized.length() - 1);
            int pos = start >= normalized.length() ? alignEnd[normalized.length() - 1] : alignStart[at];
            return new int[] {pos, pos};
        }
        return new int[] {alignStart[start], alignEnd[end - 1]};
    }

    /** The sub-piece [start, end) of the normalized text (UTF-16 offsets on code point boundaries). */
    public NormalizedString slice(int start, int end) {
        int os;
        int oe;
        if (start < end) {
            os = alignStart[start];
            oe = alignEnd[end - 1];
        } else {
            int[] r = originalRange(start, end);
            os = r[0];
            oe = r[1];
        }
        return new NormalizedString(normalized.substring(start, end), Arrays.copyOfRange(alignStart, start, end),
                Arrays.copyOfRange(alignEnd, start, end), os, oe);
    }

    /** Collects the output characters of a {@link #transform}. */
    public static final class Changes {
        int[] cps = new int[16];
        int[] changes = new int[16];
        int size;

        /** Adds one output code point with its change code. */
        public void add(int cp, int change) {
            if (size == cps.length) {
                cps = Arrays.copyOf(cps, size * 2);
                changes = Arrays.copyOf(changes, size * 2);
            }
            cps[size] = cp;
            changes[size] = change;
            size++;
        }

        public int size() {
            return size;
        }

        /** Adds {@code delta} to the change code of the last character added, if any. */
        public void addToLast(int delta) {
            if (size > 0) {
                changes[size - 1] += delta;
            }
        }

        public int cp(int i) {
            return cps[i];
        }
    }

    /**
     * Replaces the normalized range [start, end) by the given characters. {@code initialRemoved} code points at the
     * start of the range are dropped before the first output character.
     */
    public void transformRange(int start, int end, Changes out, int initialRemoved) {
        String old = normalized;
        int offset = start;
        for (int k = 0; k < initialRemoved && offset < end; k++) {
            offset += Character.charCount(old.codePointAt(offset));
        }
        StringBuilder sb = new StringBuilder(old.length() + out.size + 8);
        sb.append(old, 0, start);
        int cap = start + out.size * 2 + (old.length() - end);
        int[] ns = Arrays.copyOf(alignStart, Math.max(cap, start));
        int[] ne = Arrays.copyOf(alignEnd, Math.max(cap, start));
        int w = start;
        for (int i = 0; i < out.size; i++) {
            int cp = out.cps[i];
            int change = out.changes[i];
            int as;
            int ae;
            if (change > 0) {
                if (offset < 1) {
                    as = 0;
                    ae = 0;
                } else {
                    as = alignStart[offset - 1];
                    ae = alignEnd[offset - 1];
                }
            } else {
                as = alignStart[offset];
                ae = alignEnd[offset];
                offset += Character.charCount(old.codePointAt(offset));
                for (int r = 0; r < -change && offset < end; r++) {
                    offset += Character.charCount(old.codePointAt(offset));
                }
            }
            sb.appendCodePoint(cp);
            int units = Character.charCount(cp);
            for (int u = 0; u < units; u++) {
                ns[w] = as;
                ne[w] = ae;
                w++;
            }
        }
        sb.append(old, end, old.length());
        int tail = old.length() - end;
        if (ns.length < w + tail) {
            ns = Arrays.copyOf(ns, w + tail);
            ne = Arrays.copyOf(ne, w + tail);
        }
        System.arraycopy(alignStart, end, ns, w, tail);
        System.arraycopy(alignEnd, end, ne, w, tail);
        normalized = sb.toString();
        alignStart = ns.length == w + tail ? ns : Arrays.copyOf(ns, w + tail);
        alignEnd = ne.length == w + tail ? ne : Arrays.copyOf(ne, w + tail);
    }

    /** {@link #transformRange} over the whole text. */
    public void transform(Changes out, int initialRemoved) {
        transformRange(0, normalized.length(), out, initialRemoved);
    }

    /** Maps every code point to one code point. */
    public void map(IntUnaryOperator f) {
        String s = normalized;
        int n = s.length();
        StringBuilder sb = null;
        for (int i = 0; i < n; ) {
            int cp = s.codePointAt(i);
            int w = Character.charCount(cp);
            int m = f.applyAsInt(cp);
            if (m != cp && sb == null) {
                sb = new StringBuilder(n).append(s, 0, i);
            }
            if (sb != null) {
                if (Character.charCount(m) != w) {
                    mapSlow(f);
                    return;
                }
                sb.appendCodePoint(m);
            }
            i += w;
        }
        if (sb != null) {
            // Same number of UTF-16 units per character: the alignments stay as they are.
            normalized = sb.toString();
        }
    }

    private void mapSlow(IntUnaryOperator f) {
        Changes out = new Changes();
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            out.add(f.applyAsInt(cp), 0);
            i += Character.charCount(cp);
        }
        transform(out, 0);
    }

    /** Keeps the code points the predicate accepts. */
    public void filter(IntPredicate keep) {
        int n = normalized.length();
        boolean any = false;
        for (int i = 0; i < n; ) {
            int cp = normalized.codePointAt(i);
            if (!keep.test(cp)) {
                any = true;
                break;
            }
            i += Character.charCount(cp);
        }
        if (!any) {
            return;
        }
        // Kept characters keep their own alignment; removed ones simply disappear.
        StringBuilder sb = new StringBuilder(n);
        int[] ns = new int[n];
        int[] ne = new int[n];
        int w = 0;
        for (int i = 0; i < n; ) {
            int cp = normalized.codePointAt(i);
            int units = Character.charCount(cp);
            if (keep.test(cp)) {
                sb.appendCodePoint(cp);
                for (int u = 0; u < units; u++) {
                    ns[w] = alignStart[i + u];
                    ne[w] = alignEnd[i + u];
                    w++;
                }
            }
            i += units;
        }
        normalized = sb.toString();
        alignStart = Arrays.copyOf(ns, w);
        alignEnd = Arrays.copyOf(ne, w);
    }

    /** Lowercases each code point with the full (unconditional) Unicode mapping, as Rust's char::to_lowercase. */
    public void lowercase() {
        boolean changed = false;
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            if (cp == 0x130) {
                changed = true;
                break;
            }
            if (Character.toLowerCase(cp) != cp) {
                changed = true;
            }
            i += Character.charCount(cp);
        }
        if (!changed) {
            return;
        }
        if (normalized.indexOf('\u0130') < 0) {
            map(Character::toLowerCase);
            return;
        }
        Changes out = new Changes();
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            if (cp == 0x130) {
                out.add('i', 0);
                out.add(0x307, 1);
            } else {
                out.add(Character.toLowerCase(cp), 0);
            }
            i += Character.charCount(cp);
        }
        transform(out, 0);
    }

    /** Puts {@code s} in front (its characters share the first character's alignment). */
    public void prepend(String s) {
        if (normalized.isEmpty()) {
            return;
        }
        int next = normalized.codePointAt(0);
        Changes out = new Changes();
        boolean first = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            out.add(cp, first ? 0 : 1);
            first = false;
            i += Character.charCount(cp);
        }
        out.add(next, 1);
        transformRange(0, Character.charCount(next), out, 0);
    }

    /** Puts {@code s} at the end (its characters share the last character's alignment). */
    public void append(String s) {
        if (normalized.isEmpty()) {
            return;
        }
        int b = normalized.offsetByCodePoints(normalized.length(), -1);
        Changes out = new Changes();
        out.add(normalized.codePointAt(b), 0);
        s.codePoints().forEach(cp -> out.add(cp, 1));
        transformRange(b, normalized.length(), out, 0);
    }

    /** Replaces every match of the pattern by {@code content}. */
    public void replace(Pattern pattern, String content) {
        List<int[]> matches = pattern.findMatches(normalized);
        int shift = 0;
        for (int[] m : matches) {
            if (m[2] == 0) {
                continue;
            }
            int start = m[0] + shift;
            int end = m[1] + shift;
            int removed = normalized.codePointCount(start, end);
            Changes out = new Changes();
            content.codePoints().forEach(cp -> out.add(cp, 1));
            int before = normalized.length();
            transformRange(start, end, out, removed);
            shift += normalized.length() - before;
        }
    }

    /** Removes leading and/or trailing whitespace. */
    public void strip(boolean left, boolean right) {
        int n = normalized.length();
        int s = 0;
        int e = n;
        if (left) {
            while (s < n) {
                int cp = normalized.codePointAt(s);
                if (!Chars.isWhitespace(cp)) {
                    break;
                }
                s += Character.charCount(cp);
            }
        }
        if (right) {
            while (e > s) {
                int cp = normalized.codePointBefore(e);
                if (!Chars.isWhitespace(cp)) {
                    break;
                }
                e -= Character.charCount(cp);
            }
        }
        if (s == 0 && e == n) {
            return;
        }
        normalized = normalized.substring(s, e);
        alignStart = Arrays.copyOfRange(alignStart, s, e);
        alignEnd = Arrays.copyOfRange(alignEnd, s, e);
    }

    /** How a delimiter found by a split is kept, as in Hugging Face's SplitDelimiterBehavior. */
    public enum SplitBehavior {
        REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

        /** Reads the tokenizer.json spelling ("Removed", "MergedWithPrevious", ...). */
        public static SplitBehavior fromJson(String name) {
            return switch (name) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default -> throw new UnsupportedFeatureException("split behavior \"" + name + "\"");
            };
        }
    }

    /** Splits on the pattern's matches; empty pieces are dropped. */
    public List<NormalizedString> split(Pattern pattern, SplitBehavior behavior) {
        List<int[]> matches = pattern.findMatches(normalized);
        List<int[]> splits = new ArrayList<>(matches.size());
        switch (behavior) {
            case ISOLATED -> {
                for (int[] m : matches) {
                    splits.add(new int[] {m[0], m[1], 0});
                }
            }
            case REMOVED -> splits.addAll(matches);
            case CONTIGUOUS -> {
                boolean previous = false;
                for (int[] m : matches) {
                    boolean isMatch = m[2] != 0;
                    if (isMatch == previous && !splits.isEmpty()) {
                        splits.get(splits.size() - 1)[1] = m[1];
                    } else {
                        splits.add(new int[] {m[0], m[1], 0});
                    }
                    previous = isMatch;
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                boolean previous = false;
                for (int[] m : matches) {
                    boolean isMatch = m[2] != 0;
                    if (isMatch && !previous && !splits.isEmpty()) {
                        splits.get(splits.size() - 1)[1] = m[1];
                    } else {
                        splits.add(new int[] {m[0], m[1], 0});
                    }
                    previous = isMatch;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previous = false;
                for (int k = matches.size() - 1; k >= 0; k--) {
                    int[] m = matches.get(k);
                    boolean isMatch = m[2] != 0;
                    if (isMatch && !previous && !splits.isEmpty()) {
                        splits.get(splits.size() - 1)[0] = m[0];
                    } else {
                        splits.add(new int[] {m[0], m[1], 0});
                    }
                    previous = isMatch;
                }
                java.util.Collections.reverse(splits);
            }
        }
        List<NormalizedString> out = new ArrayList<>(splits.size());
        for (int[] s : splits) {
            if (s[2] == 0 && s[1] > s[0]) {
                out.add(slice(s[0], s[1]));
            }
        }
        return out;
    }

    /** Finds the pieces of a text: each result is {start, end, isMatch} and together they cover the text. */
    public interface Pattern {
        List<int[]> findMatches(String text);
    }
}
