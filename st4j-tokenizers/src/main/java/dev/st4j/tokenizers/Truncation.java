package dev.st4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How encodings are cut to {@code maxLength} tokens (special tokens included), as tokenizer.json's "truncation".
 *
 * @param maxLength the longest encoding, special tokens included
 * @param strategy which text of a pair loses tokens
 * @param stride overlap of the overflowing windows {@link Tokenizer#encodeWithOverflowing} returns
 * @param fromLeft cut tokens at the start instead of the end
 */
public record Truncation(int maxLength, Strategy strategy, int stride, boolean fromLeft) {
    public enum Strategy { LONGEST_FIRST, ONLY_FIRST, ONLY_SECOND }

    public Truncation {
        if (maxLength < 0) {
            throw new IllegalArgumentException("truncation max length must not be negative, got " + maxLength);
        }
        if (strategy == null) {
            throw new IllegalArgumentException("truncation strategy must be given");
        }
    }

    /** Longest-first from the right: what sentence-transformers asks for. */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, 0, false);
    }

    static Truncation fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        Strategy s = switch (Json.text(node, "strategy", "LongestFirst")) {
            case "LongestFirst" -> Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> Strategy.ONLY_FIRST;
            case "OnlySecond" -> Strategy.ONLY_SECOND;
            default -> throw new UnsupportedFeatureException("truncation strategy \"" + node.get("strategy").asText() + "\"");
        };
        String direction = Json.text(node, "direction", "Right");
        if (!direction.equals("Left") && !direction.equals("Right")) {
            throw new UnsupportedFeatureException("truncation direction \"" + direction + "\"");
        }
        return new Truncation(Json.integer(node, "max_length", 512), s, Json.integer(node, "stride", 0),
                direction.equals("Left"));
    }

    /**
     * How many tokens each text of a pair keeps under {@link Strategy#LONGEST_FIRST}, as Hugging Face tokenizers
     * splits {@code max} (the budget left after the special tokens): the shorter text keeps what it can, the
     * longer takes the rest, and two long texts share it, the odd token going to the second. The direction only
     * decides which end of each text is cut.
     */
    public static int[] longestFirst(int firstLength, int secondLength, int max) {
        int n1 = firstLength;
        int n2 = secondLength;
        boolean swap = n1 > n2;
        if (swap) {
            int t = n1;
            n1 = n2;
            n2 = t;
        }
        if (n1 > max) {
            n2 = n1;
        } else {
            n2 = Math.max(n1, max - n1);
        }
        if (n1 + n2 > max) {
            n1 = max / 2;
            n2 = n1 + max % 2;
        }
        return swap ? new int[] {n2, n1} : new int[] {n1, n2};
    }

    /** Cuts one encoding, or the two of a pair, to {@code max} tokens together. */
    Encoding[] apply(Encoding a, Encoding b, int max) {
        List<Encoding>[] w = windows(a, b, max);
        return new Encoding[] {w[0].get(0), w[1] == null ? null : w[1].get(0)};
    }

    /**
     * As Hugging Face truncates: for each text, the kept part first, then its overflowing windows (with
     * {@link #stride} overlap); a text that is not cut is a list of itself. {@code [1]} is null without a pair.
     */
    @SuppressWarnings("unchecked")
    List<Encoding>[] windows(Encoding a, Encoding b, int max) {
        if (max == 0) {
            return new List[] {a.windows(0, stride, fromLeft), b == null ? null : b.windows(0, stride, fromLeft)};
        }
        int total = a.length() + (b == null ? 0 : b.length());
        if (total <= max) {
            return new List[] {List.of(a), b == null ? null : List.of(b)};
        }
        int toRemove = total - max;
        switch (strategy) {
            case LONGEST_FIRST -> {
                if (b == null) {
                    return new List[] {a.windows(max, stride, fromLeft), null};
                }
                int[] keep = longestFirst(a.length(), b.length(), max);
                return new List[] {a.windows(keep[0], stride, fromLeft), b.windows(keep[1], stride, fromLeft)};
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean first = strategy == Strategy.ONLY_FIRST;
                Encoding target = first ? a : b;
                if (target == null || target.length() <= toRemove) {
                    throw new IllegalArgumentException("cannot truncate to " + maxLength + " tokens with "
                            + strategy + ": the " + (first ? "first" : "second") + " text is too short"
                            + " (use LONGEST_FIRST, or a larger max length)");
                }
                List<Encoding> cut = target.windows(target.length() - toRemove, stride, fromLeft);
                return first ? new List[] {cut, b == null ? null : List.of(b)} : new List[] {List.of(a), cut};
            }
            default -> throw new AssertionError(strategy);
        }
    }
}
