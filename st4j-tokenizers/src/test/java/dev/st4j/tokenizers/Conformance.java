package dev.st4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * st4j against Hugging Face tokenizers (DJL), field by field. The oracle is asked in batches (one native call per
 * {@value #BATCH} texts, which the Rust side spreads over the cores) and both tokenizers are loaded once per file
 * and truncation setting for the whole test run: the comparisons are the same, the JSON parsing and the per-text
 * native calls are not repeated.
 */
final class Conformance {
    private Conformance() {}

    static final int BATCH = 512;

    private static final Map<String, Tokenizer> PARSED = new ConcurrentHashMap<>();
    private static final Map<String, HuggingFaceTokenizer> ORACLES = new ConcurrentHashMap<>();

    /**
     * The tokenizer of a file's text: parsed once per run for the files of {@link TestData#json} (one instance per
     * file), afresh for texts built by a test (variants).
     */
    static Tokenizer parsed(String json) {
        return TestData.isFileText(json) ? PARSED.computeIfAbsent(json, Tokenizer::fromString)
                : Tokenizer.fromString(json);
    }

    /** DJL over a file at one truncation setting: for the files of TestData, loaded once per run. */
    private static HuggingFaceTokenizer oracle(String json, int maxLength, String strategy) {
        if (!TestData.isFileText(json)) {
            return DjlOracle.load(json, maxLength, strategy);
        }
        String key = System.identityHashCode(json) + "/" + maxLength + "/" + strategy;
        return ORACLES.computeIfAbsent(key, k -> DjlOracle.load(json, maxLength, strategy));
    }

    /** Compares single texts (with and without special tokens) or consecutive pairs; returns the failures. */
    static List<String> compare(String json, List<String> texts, int maxLength, String strategy, boolean pairs) {
        return compare(json, parsed(json), texts, maxLength, strategy, pairs, true);
    }

    /** As above, with st4j's tokenizer built some other way (from slow-tokenizer files) and DJL on {@code json}. */
    static List<String> compare(String json, Tokenizer tokenizer, List<String> texts, int maxLength, String strategy,
            boolean pairs) {
        return compare(json, tokenizer, texts, maxLength, strategy, pairs, true);
    }

    /**
     * The comparison itself. {@code alsoWithoutSpecials}: single texts are compared a second time without special
     * tokens (the sweeps over every code point skip that: it tests no other character handling).
     */
    static List<String> compare(String json, Tokenizer tokenizer, List<String> texts, int maxLength, String strategy,
            boolean pairs, boolean alsoWithoutSpecials) {
        Truncation.Strategy s = switch (strategy) {
            case "only_first" -> Truncation.Strategy.ONLY_FIRST;
            case "only_second" -> Truncation.Strategy.ONLY_SECOND;
            default -> Truncation.Strategy.LONGEST_FIRST;
        };
        Tokenizer mine = tokenizer.withPadding(null)
                .withTruncation(maxLength == 0 ? null : new Truncation(maxLength, s, 0, false));
        HuggingFaceTokenizer djl = oracle(json, maxLength, strategy);
        try {
            return compare(djl, mine, texts, strategy, pairs, alsoWithoutSpecials);
        } finally {
            if (!TestData.isFileText(json)) {
                djl.close();
            }
        }
    }

    private static List<String> compare(HuggingFaceTokenizer djl, Tokenizer mine, List<String> texts,
            String strategy, boolean pairs, boolean alsoWithoutSpecials) {
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (int from = 0; from < texts.size(); from += BATCH) {
            int to = Math.min(texts.size(), from + BATCH);
            String[] a = texts.subList(from, to).toArray(String[]::new);
            String[] b = pairs ? IntStream.range(from, to).mapToObj(i -> texts.get((i + 1) % texts.size()))
                    .toArray(String[]::new) : null;
            // A refusal inside a native batch call aborts the JVM (DJL unwraps the error in the Rust code), so only
            // longest_first, which never refuses, is asked in batches; only_first/only_second text by text.
            boolean batch = strategy.equals("longest_first");
            ai.djl.huggingface.tokenizers.Encoding[] want = batch ? oracleBatch(djl, a, b, true)
                    : oneByOne(djl, a, b, true);
            ai.djl.huggingface.tokenizers.Encoding[] plain = !pairs && alsoWithoutSpecials
                    ? (batch ? oracleBatch(djl, a, null, false) : oneByOne(djl, a, null, false)) : null;
            int base = from;
            // st4j's side is pure Java and thread-safe: the texts of a batch are encoded and compared in parallel.
            List<String> batchFailures = IntStream.range(0, a.length).parallel().mapToObj(k -> {
                String where = "text " + (base + k) + " " + abbreviate(a[k])
                        + (b == null ? "" : " + " + abbreviate(b[k]));
                ai.djl.huggingface.tokenizers.Encoding w = want[k];
                if (w == null) {
                    // The oracle refuses only_first/only_second when that text is too short; st4j must refuse too.
                    if (strategy.equals("longest_first")) {
                        return where + ": DJL failed";
                    }
                    try {
                        mine.encode(a[k], b == null ? null : b[k], true);
                        return where + ": DJL refused, st4j encoded it";
                    } catch (IllegalArgumentException expected) {
                        return "";
                    }
                }
                String d = DjlOracle.diff(w, mine.encode(a[k], b == null ? null : b[k], true));
                if (d == null && plain != null) {
                    d = DjlOracle.diff(plain[k], mine.encode(a[k], null, false));
                    d = d == null ? null : "without special tokens: " + d;
                }
                return d == null ? null : where + ": " + d;
            }).filter(f -> f != null).toList();
            for (String f : batchFailures) {
                if (f.isEmpty()) {
                    compared--;
                } else {
                    failures.add(f);
                }
            }
            compared += a.length;
        }
        if (compared == 0) {
            failures.add("nothing compared");
        }
        return failures;
    }

    /** One native call for the batch (only for settings under which the oracle refuses no text). */
    private static ai.djl.huggingface.tokenizers.Encoding[] oracleBatch(HuggingFaceTokenizer djl, String[] a,
            String[] b, boolean special) {
        if (b == null) {
            return djl.batchEncode(a, special, false);
        }
        PairList<String, String> pairs = new PairList<>(a.length);
        for (int i = 0; i < a.length; i++) {
            pairs.add(a[i], b[i]);
        }
        return djl.batchEncode(pairs, special, false);
    }

    /** Text by text; null where the oracle refuses. */
    private static ai.djl.huggingface.tokenizers.Encoding[] oneByOne(HuggingFaceTokenizer djl, String[] a,
            String[] b, boolean special) {
        ai.djl.huggingface.tokenizers.Encoding[] out = new ai.djl.huggingface.tokenizers.Encoding[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = oracleOne(djl, a[i], b == null ? null : b[i], special);
        }
        return out;
    }

    private static ai.djl.huggingface.tokenizers.Encoding oracleOne(HuggingFaceTokenizer djl, String a, String b,
            boolean special) {
        try {
            return b == null ? djl.encode(a, special, false) : djl.encode(a, b, special, false);
        } catch (RuntimeException refused) {
            return null;
        }
    }

    /**
     * Every code point but the surrogates, each between two x's, {@code perText} to a text (the separators keep
     * each code point its own word for every pre-tokenizer here, so more per text tests the same).
     */
    static List<String> everyCodePoint(int perText) {
        List<String> texts = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int inText = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            sb.append('x').appendCodePoint(cp).append("x ");
            if (++inText == perText) {
                texts.add(sb.toString());
                sb.setLength(0);
                inText = 0;
            }
        }
        texts.add(sb.toString());
        return texts;
    }

    static String abbreviate(String s) {
        String e = s.replace("\n", "\\n");
        return "\"" + (e.length() > 60 ? e.substring(0, 60) + "..." : e) + "\"";
    }

    static void assertNone(List<String> failures) {
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())),
                failures.size() + " texts differ from DJL");
    }
}
