package dev.st4j.tokenizers.pretokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Chars;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.NormalizedString;
import dev.st4j.tokenizers.NormalizedString.SplitBehavior;
import dev.st4j.tokenizers.Patterns;
import dev.st4j.tokenizers.PreTokenizedString;
import dev.st4j.tokenizers.TokenizerFormatException;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import java.util.ArrayList;
import java.util.List;

/** Builds the pre-tokenizers of tokenizer.json. */
public final class PreTokenizers {
    private PreTokenizers() {}

    private static final NormalizedString.Pattern WHITESPACE = Patterns.chars(Chars::isWhitespace);
    private static final NormalizedString.Pattern BERT_PUNCTUATION = Patterns.chars(Chars::isBertPunctuation);
    private static final NormalizedString.Pattern PUNCTUATION =
            Patterns.chars(c -> (c < 0x80 && Chars.isBertPunctuation(c)) || Chars.isPunctuation(c));
    private static final NormalizedString.Pattern WORDS = invert(Patterns.regex("\\w+|[^\\w\\s]+"));
    private static final NormalizedString.Pattern DIGITS = Patterns.chars(PreTokenizers::isNumeric);

    /** The pre-tokenizer a tokenizer.json {@code pre_tokenizer} value describes; null for none. */
    public static PreTokenizer fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = Json.type(node, "pre_tokenizer");
        return switch (type) {
            case "BertPreTokenizer" -> text -> {
                text.split(n -> n.split(WHITESPACE, SplitBehavior.REMOVED));
                text.split(n -> n.split(BERT_PUNCTUATION, SplitBehavior.ISOLATED));
            };
            case "Whitespace" -> text -> text.split(n -> n.split(WORDS, SplitBehavior.REMOVED));
            case "WhitespaceSplit" -> text -> text.split(n -> n.split(WHITESPACE, SplitBehavior.REMOVED));
            case "Punctuation" -> {
                SplitBehavior b = SplitBehavior.fromJson(Json.text(node, "behavior", "Isolated"));
                yield text -> text.split(n -> n.split(PUNCTUATION, b));
            }
            case "Digits" -> {
                SplitBehavior b = Json.bool(node, "individual_digits", false) ? SplitBehavior.ISOLATED
                        : SplitBehavior.CONTIGUOUS;
                yield text -> text.split(n -> n.split(DIGITS, b));
            }
            case "Split" -> {
                NormalizedString.Pattern p = Patterns.fromJson(node.get("pattern"));
                if (Json.bool(node, "invert", false)) {
                    p = invert(p);
                }
                NormalizedString.Pattern pattern = p;
                SplitBehavior b = SplitBehavior.fromJson(Json.requiredText(node, "behavior", "Split"));
                yield text -> text.split(n -> n.split(pattern, b));
            }
            case "UnicodeScripts" -> text -> text.split(PreTokenizers::splitScripts);
            case "Metaspace" -> Metaspace.fromJson(node);
            case "ByteLevel" -> ByteLevel.fromJson(node);
            case "Sequence" -> {
                List<PreTokenizer> list = new ArrayList<>();
                for (JsonNode n : node.path("pretokenizers")) {
                    PreTokenizer p = fromJson(n);
                    if (p != null) {
                        list.add(p);
                    }
                }
                yield text -> list.forEach(p -> p.preTokenize(text));
            }
            default -> throw new UnsupportedFeatureException("the pre-tokenizer \"" + type + "\"");
        };
    }

    /**
     * Cuts where the Unicode script changes (spaces and unassigned characters belong to any script; kana counts as
     * Han). As in HF, characters of any script before the first cut are dropped.
     */
    static List<NormalizedString> splitScripts(NormalizedString n) {
        String s = n.get();
        List<Integer> cuts = new ArrayList<>();
        Character.UnicodeScript last = null;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            Character.UnicodeScript script = c == ' ' ? Character.UnicodeScript.UNKNOWN : script(c);
            boolean any = script == Character.UnicodeScript.UNKNOWN;
            if (!any && (last == null || last != script)) {
                cuts.add(i);
            }
            if (!any) {
                last = script;
            }
            i += Character.charCount(c);
        }
        cuts.add(s.length());
        List<NormalizedString> out = new ArrayList<>(cuts.size());
        for (int k = 0; k + 1 < cuts.size(); k++) {
            out.add(n.slice(cuts.get(k), cuts.get(k + 1)));
        }
        return out;
    }

    private static Character.UnicodeScript script(int c) {
        if (c == 0x30FC) {
            return Character.UnicodeScript.HAN;
        }
        Character.UnicodeScript s = Character.UnicodeScript.of(c);
        return s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA
                ? Character.UnicodeScript.HAN : s;
    }

    /** Rust's char::is_numeric: Nd, Nl, No. */
    static boolean isNumeric(int c) {
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    static NormalizedString.Pattern invert(NormalizedString.Pattern p) {
        return s -> {
            List<int[]> m = p.findMatches(s);
            List<int[]> out = new ArrayList<>(m.size());
            for (int[] x : m) {
                out.add(new int[] {x[0], x[1], x[2] == 0 ? 1 : 0});
            }
            return out;
        };
    }

    /** SentencePiece's word boundary marker: spaces become {@code replacement}, optionally one in front. */
    static final class Metaspace implements PreTokenizer {
        enum Prepend { ALWAYS, FIRST, NEVER }

        private final String replacement;
        private final int replacementChar;
        private final Prepend prepend;
        private final boolean split;
        private final NormalizedString.Pattern space = Patterns.literal(" ");
        private final NormalizedString.Pattern marker;

        Metaspace(String replacement, Prepend prepend, boolean split) {
            if (replacement.codePointCount(0, replacement.length()) != 1) {
                throw new TokenizerFormatException("Metaspace replacement must be one character, got \""
                        + replacement + "\"");
            }
            this.replacement = replacement;
            this.replacementChar = replacement.codePointAt(0);
            this.prepend = prepend;
            this.split = split;
            this.marker = Patterns.chars(c -> c == replacementChar);
        }

        static Metaspace fromJson(JsonNode node) {
            String replacement = Json.text(node, "replacement", "\u2581");
            Prepend prepend;
            if (node.hasNonNull("prepend_scheme")) {
                prepend = switch (node.get("prepend_scheme").asText()) {
                    case "always" -> Prepend.ALWAYS;
                    case "first" -> Prepend.FIRST;
                    case "never" -> Prepend.NEVER;
                    default -> throw new UnsupportedFeatureException("Metaspace prepend_scheme \""
                            + node.get("prepend_scheme").asText() + "\"");
                };
            } else {
                prepend = Json.bool(node, "add_prefix_space", true) ? Prepend.ALWAYS : Prepend.NEVER;
            }
            return new Metaspace(replacement, prepend, Json.bool(node, "split", true));
        }

        @Override
        public void preTokenize(PreTokenizedString text) {
            text.split(n -> {
                n.replace(space, replacement);
                boolean starts = !n.isEmpty() && n.get().codePointAt(0) == replacementChar;
                if (prepend == Prepend.ALWAYS && !starts) {
                    n.prepend(replacement);
                } else if (prepend == Prepend.FIRST && !starts && n.originalStart() == 0) {
                    n.prepend(replacement);
                }
                return split ? n.split(marker, SplitBehavior.MERGED_WITH_NEXT) : List.of(n);
            });
        }
    }
}
