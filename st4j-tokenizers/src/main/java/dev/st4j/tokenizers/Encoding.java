package dev.st4j.tokenizers;

import java.util.Arrays;
import java.util.List;

/**
 * The result of encoding one text or one pair: parallel arrays, one entry per token. Offsets are character (code
 * point) offsets into the text the token came from, as Python's {@code return_offsets_mapping} gives them; tokens
 * added by the post-processor or by padding have the range (0, 0) and sequence id -1.
 */
public final class Encoding {
    private final int[] ids;
    private final int[] typeIds;
    private final String[] tokens;
    private final int[] wordIds;
    private final int[] sequenceIds;
    private final int[] offsetStarts;
    private final int[] offsetEnds;
    private final int[] specialTokensMask;
    private final int[] attentionMask;

    Encoding(int[] ids, int[] typeIds, String[] tokens, int[] wordIds, int[] sequenceIds, int[] offsetStarts,
            int[] offsetEnds, int[] specialTokensMask, int[] attentionMask) {
        this.ids = ids;
        this.typeIds = typeIds;
        this.tokens = tokens;
        this.wordIds = wordIds;
        this.sequenceIds = sequenceIds;
        this.offsetStarts = offsetStarts;
        this.offsetEnds = offsetEnds;
        this.specialTokensMask = specialTokensMask;
        this.attentionMask = attentionMask;
    }

    static final Encoding EMPTY = new Encoding(new int[0], new int[0], new String[0], new int[0], new int[0],
            new int[0], new int[0], new int[0], new int[0]);

    /** No tokens. */
    public static Encoding empty() {
        return EMPTY;
    }

    /** The special tokens a post-processor adds: no word, no sequence, offsets (0, 0), special mask 1. */
    public static Encoding special(int[] ids, String[] tokens, int typeId) {
        int n = ids.length;
        int[] types = new int[n];
        Arrays.fill(types, typeId);
        int[] none = new int[n];
        Arrays.fill(none, -1);
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        return new Encoding(ids.clone(), types, tokens.clone(), none, none.clone(), new int[n], new int[n], ones,
                ones.clone());
    }

    public int length() {
        return ids.length;
    }

    public int[] ids() {
        return ids;
    }

    public int[] typeIds() {
        return typeIds;
    }

    public String[] tokens() {
        return tokens;
    }

    /** Index of the pre-tokenized word each token belongs to, -1 for added special tokens and padding. */
    public int[] wordIds() {
        return wordIds;
    }

    /** 0 for tokens of the first text, 1 for the second of a pair, -1 for special tokens and padding. */
    public int[] sequenceIds() {
        return sequenceIds;
    }

    public int[] offsetStarts() {
        return offsetStarts;
    }

    public int[] offsetEnds() {
        return offsetEnds;
    }

    public int[] specialTokensMask() {
        return specialTokensMask;
    }

    public int[] attentionMask() {
        return attentionMask;
    }

    /** A copy with every type id set to {@code typeId} and every sequence id to {@code sequenceId}. */
    public Encoding withTypeAndSequence(int typeId, int sequenceId) {
        int[] t = new int[ids.length];
        Arrays.fill(t, typeId);
        int[] s = new int[ids.length];
        Arrays.fill(s, sequenceId);
        return new Encoding(ids, t, tokens, wordIds, s, offsetStarts, offsetEnds, specialTokensMask, attentionMask);
    }

    /** A copy with other offsets. */
    public Encoding withOffsets(int[] starts, int[] ends) {
        return new Encoding(ids, typeIds, tokens, wordIds, sequenceIds, starts, ends, specialTokensMask,
                attentionMask);
    }

    /**
     * Hugging Face's truncation with a stride: the kept window of {@code n} tokens first, then the overflowing
     * windows, each {@code n} long (the last may be shorter) and overlapping the one before by {@code stride}
     * tokens; from the right, or from the left (windows taken backwards from the end).
     */
    List<Encoding> windows(int n, int stride, boolean fromLeft) {
        int len = ids.length;
        if (n >= len) {
            return List.of(this);
        }
        if (n == 0) {
            return List.of(EMPTY, this);
        }
        if (stride >= n) {
            throw new IllegalArgumentException("truncation stride " + stride + " must be less than the " + n
                    + " tokens left for this text (max length minus special tokens)");
        }
        int step = n - stride;
        List<Encoding> out = new java.util.ArrayList<>();
        if (!fromLeft) {
            for (int start = 0; ; start += step) {
                int stop = Math.min(start + n, len);
                out.add(slice(start, stop));
                if (stop == len) {
                    break;
                }
            }
        } else {
            for (int last = len - 1; last >= 0; last -= step) {
                int start = Math.max(0, last + 1 - n);
                out.add(slice(start, last + 1));
                if (start == 0) {
                    break;
                }
            }
        }
        return out;
    }

    private Encoding slice(int from, int to) {
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(typeIds, from, to),
                Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(wordIds, from, to),
                Arrays.copyOfRange(sequenceIds, from, to), Arrays.copyOfRange(offsetStarts, from, to),
                Arrays.copyOfRange(offsetEnds, from, to), Arrays.copyOfRange(specialTokensMask, from, to),
                Arrays.copyOfRange(attentionMask, from, to));
    }

    /** Pads to {@code target} tokens on the given side. */
    Encoding pad(int target, int padId, int padTypeId, String padToken, boolean left) {
        int n = ids.length;
        if (n >= target) {
            return this;
        }
        int p = target - n;
        int at = left ? p : 0;
        int padAt = left ? 0 : n;
        int[] i2 = new int[target];
        int[] t2 = new int[target];
        String[] k2 = new String[target];
        int[] w2 = new int[target];
        int[] s2 = new int[target];
        int[] os = new int[target];
        int[] oe = new int[target];
        int[] sm = new int[target];
        int[] am = new int[target];
        System.arraycopy(ids, 0, i2, at, n);
        System.arraycopy(typeIds, 0, t2, at, n);
        System.arraycopy(tokens, 0, k2, at, n);
        System.arraycopy(wordIds, 0, w2, at, n);
        System.arraycopy(sequenceIds, 0, s2, at, n);
        System.arraycopy(offsetStarts, 0, os, at, n);
        System.arraycopy(offsetEnds, 0, oe, at, n);
        System.arraycopy(specialTokensMask, 0, sm, at, n);
        System.arraycopy(attentionMask, 0, am, at, n);
        Arrays.fill(i2, padAt, padAt + p, padId);
        Arrays.fill(t2, padAt, padAt + p, padTypeId);
        Arrays.fill(k2, padAt, padAt + p, padToken);
        Arrays.fill(w2, padAt, padAt + p, -1);
        Arrays.fill(s2, padAt, padAt + p, -1);
        Arrays.fill(sm, padAt, padAt + p, 1);
        return new Encoding(i2, t2, k2, w2, s2, os, oe, sm, am);
    }

    /** The encodings one after another. */
    public static Encoding concat(List<Encoding> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int n = 0;
        for (Encoding e : parts) {
            n += e.length();
        }
        int[] i2 = new int[n];
        int[] t2 = new int[n];
        String[] k2 = new String[n];
        int[] w2 = new int[n];
        int[] s2 = new int[n];
        int[] os = new int[n];
        int[] oe = new int[n];
        int[] sm = new int[n];
        int[] am = new int[n];
        int at = 0;
        for (Encoding e : parts) {
            int m = e.length();
            System.arraycopy(e.ids, 0, i2, at, m);
            System.arraycopy(e.typeIds, 0, t2, at, m);
            System.arraycopy(e.tokens, 0, k2, at, m);
            System.arraycopy(e.wordIds, 0, w2, at, m);
            System.arraycopy(e.sequenceIds, 0, s2, at, m);
            System.arraycopy(e.offsetStarts, 0, os, at, m);
            System.arraycopy(e.offsetEnds, 0, oe, at, m);
            System.arraycopy(e.specialTokensMask, 0, sm, at, m);
            System.arraycopy(e.attentionMask, 0, am, at, m);
            at += m;
        }
        return new Encoding(i2, t2, k2, w2, s2, os, oe, sm, am);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens) + Arrays.toString(ids);
    }
}
