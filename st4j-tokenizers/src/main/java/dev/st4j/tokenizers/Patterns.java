package dev.st4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;

/** The patterns Split, Replace and the pre-tokenizers match with, each reporting pieces as HF's Pattern does. */
public final class Patterns {
    private Patterns() {}

    /** Every character the predicate accepts is a match of its own. */
    public static NormalizedString.Pattern chars(IntPredicate p) {
        return text -> {
            List<int[]> out = new ArrayList<>();
            int prev = 0;
            int n = text.length();
            for (int i = 0; i < n; ) {
                int cp = text.codePointAt(i);
                int w = Character.charCount(cp);
                if (p.test(cp)) {
                    if (prev < i) {
                        out.add(new int[] {prev, i, 0});
                    }
                    out.add(new int[] {i, i + w, 1});
                    prev = i + w;
                }
                i += w;
            }
            if (prev < n || out.isEmpty()) {
                out.add(new int[] {prev, n, 0});
            }
            return out;
        };
    }

    /** Non-overlapping occurrences of a literal string. */
    public static NormalizedString.Pattern literal(String s) {
        if (s.isEmpty()) {
            return text -> List.of(new int[] {0, text.length(), 0});
        }
        return text -> {
            List<int[]> out = new ArrayList<>();
            int prev = 0;
            int at;
            while ((at = text.indexOf(s, prev)) >= 0) {
                if (prev < at) {
                    out.add(new int[] {prev, at, 0});
                }
                out.add(new int[] {at, at + s.length(), 1});
                prev = at + s.length();
            }
            if (prev < text.length() || out.isEmpty()) {
                out.add(new int[] {prev, text.length(), 0});
            }
            return out;
        };
    }

    /** Matches of a regular expression (Oniguruma syntax as HF uses it; Unicode classes for \s, \d, \w). */
    public static NormalizedString.Pattern regex(String re) {
        java.util.regex.Pattern compiled = compile(re);
        return text -> {
            List<int[]> out = new ArrayList<>();
            Matcher m = compiled.matcher(text);
            int prev = 0;
            while (m.find()) {
                int s = m.start();
                int e = m.end();
                if (s == e) {
                    continue;
                }
                if (prev < s) {
                    out.add(new int[] {prev, s, 0});
                }
                out.add(new int[] {s, e, 1});
                prev = e;
            }
            if (prev < text.length() || out.isEmpty()) {
                out.add(new int[] {prev, text.length(), 0});
            }
            return out;
        };
    }

    /** Compiles a tokenizer.json regex for java.util.regex. */
    public static java.util.regex.Pattern compile(String re) {
        try {
            return java.util.regex.Pattern.compile(re, java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new UnsupportedFeatureException("the regular expression " + re + " (" + e.getDescription() + ")");
        }
    }

    /** A tokenizer.json pattern object: {"String": "..."} or {"Regex": "..."}. */
    public static NormalizedString.Pattern fromJson(JsonNode pattern) {
        if (pattern != null && pattern.has("String")) {
            return literal(pattern.get("String").asText());
        }
        if (pattern != null && pattern.has("Regex")) {
            return regex(pattern.get("Regex").asText());
        }
        throw new TokenizerFormatException("pattern must be {\"String\": ...} or {\"Regex\": ...}, got " + pattern);
    }
}
