package dev.st4j.tokenizers.normalizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Chars;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.NormalizedString;
import dev.st4j.tokenizers.Patterns;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;

/** Builds the normalizers of tokenizer.json. */
public final class Normalizers {
    private Normalizers() {}

    /** The normalizer a tokenizer.json {@code normalizer} value describes; null for none. */
    public static Normalizer fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = Json.type(node, "normalizer");
        return switch (type) {
            case "BertNormalizer" -> new BertNormalizer(Json.bool(node, "clean_text", true),
                    Json.bool(node, "handle_chinese_chars", true),
                    node.hasNonNull("strip_accents") ? node.get("strip_accents").asBoolean() : null,
                    Json.bool(node, "lowercase", true));
            case "Lowercase" -> new Lowercase();
            case "NFD" -> new UnicodeForm(Form.NFD);
            case "NFKD" -> new UnicodeForm(Form.NFKD);
            case "NFC" -> new UnicodeForm(Form.NFC);
            case "NFKC" -> new UnicodeForm(Form.NFKC);
            case "Strip" -> new Strip(Json.bool(node, "strip_left", true), Json.bool(node, "strip_right", true));
            case "StripAccents" -> text -> text.filter(c -> !Chars.isMark(c));
            case "Replace" -> {
                NormalizedString.Pattern p = Patterns.fromJson(node.get("pattern"));
                String content = Json.text(node, "content", "");
                yield text -> text.replace(p, content);
            }
            case "Prepend" -> {
                String prefix = Json.requiredText(node, "prepend", "Prepend normalizer");
                yield text -> text.prepend(prefix);
            }
            case "Precompiled" -> Precompiled.fromJson(node);
            case "Sequence" -> {
                List<Normalizer> list = new ArrayList<>();
                for (JsonNode n : node.path("normalizers")) {
                    Normalizer built = fromJson(n);
                    if (built != null) {
                        list.add(built);
                    }
                }
                yield new Sequence(list);
            }
            default -> throw new UnsupportedFeatureException("the normalizer \"" + type + "\"");
        };
    }

    /** A lowercasing step (st4j's do_lower_case). */
    public static Normalizer lowercase() {
        return new Lowercase();
    }

    /** {@code first} then {@code second}. */
    public static Normalizer sequence(Normalizer first, Normalizer second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        return new Sequence(List.of(first, second));
    }

    record Lowercase() implements Normalizer {
        @Override
        public void normalize(NormalizedString text) {
            text.lowercase();
        }

        @Override
        public boolean lowercases() {
            return true;
        }
    }

    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public void normalize(NormalizedString text) {
            text.strip(left, right);
        }
    }

    record Sequence(List<Normalizer> normalizers) implements Normalizer {
        @Override
        public void normalize(NormalizedString text) {
            for (Normalizer n : normalizers) {
                n.normalize(text);
            }
        }

        @Override
        public boolean lowercases() {
            return normalizers.stream().anyMatch(Normalizer::lowercases);
        }
    }

    record UnicodeForm(Form form) implements Normalizer {
        @Override
        public void normalize(NormalizedString text) {
            UnicodeNormalization.apply(text, form);
        }
    }

    /** BERT's normalizer: drop controls, space out CJK, strip accents (NFD, drop Mn), lowercase. */
    record BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase)
            implements Normalizer {
        @Override
        public void normalize(NormalizedString text) {
            if (cleanText) {
                text.filter(c -> !(c == 0 || c == 0xFFFD || Chars.isControl(c)));
                text.map(c -> Chars.isWhitespace(c) ? ' ' : c);
            }
            if (handleChineseChars) {
                spaceOutChinese(text);
            }
            if (stripAccents != null ? stripAccents : lowercase) {
                UnicodeNormalization.apply(text, Form.NFD);
                text.filter(c -> !Chars.isNonspacingMark(c));
            }
            if (lowercase) {
                text.lowercase();
            }
        }

        @Override
        public boolean lowercases() {
            return lowercase;
        }

        private static void spaceOutChinese(NormalizedString text) {
            String s = text.get();
            boolean any = false;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                if (Chars.isChinese(cp)) {
                    any = true;
                    break;
                }
                i += Character.charCount(cp);
            }
            if (!any) {
                return;
            }
            NormalizedString.Changes out = new NormalizedString.Changes();
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                if (Chars.isChinese(cp)) {
                    out.add(' ', 0);
                    out.add(cp, 1);
                    out.add(' ', 1);
                } else {
                    out.add(cp, 0);
                }
                i += Character.charCount(cp);
            }
            text.transform(out, 0);
        }
    }
}
