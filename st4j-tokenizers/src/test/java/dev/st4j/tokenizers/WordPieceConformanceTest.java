package dev.st4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The embedded models' WordPiece tokenizers against Hugging Face tokenizers (DJL), field by field. */
class WordPieceConformanceTest {
    static List<String> files() {
        return TestData.EMBEDDED;
    }

    static List<String> texts() {
        List<String> t = new ArrayList<>(TestData.corpus());
        t.addAll(TestData.torture());
        return t;
    }

    /** Compares single texts and consecutive pairs at one truncation length (0: none); returns the failures. */
    static List<String> compare(String json, List<String> texts, int maxLength, String strategy, boolean pairs) {
        return compare(json, Tokenizer.fromString(json), texts, maxLength, strategy, pairs);
    }

    /** As above, with st4j's tokenizer built some other way (from slow-tokenizer files) and DJL on {@code json}. */
    static List<String> compare(String json, Tokenizer tokenizer, List<String> texts, int maxLength, String strategy,
            boolean pairs) {
        Truncation.Strategy s = switch (strategy) {
            case "only_first" -> Truncation.Strategy.ONLY_FIRST;
            case "only_second" -> Truncation.Strategy.ONLY_SECOND;
            default -> Truncation.Strategy.LONGEST_FIRST;
        };
        Tokenizer mine = tokenizer.withPadding(null)
                .withTruncation(maxLength == 0 ? null : new Truncation(maxLength, s, 0, false));
        List<String> failures = new ArrayList<>();
        int compared = 0;
        try (HuggingFaceTokenizer djl = DjlOracle.load(json, maxLength, strategy)) {
            for (int i = 0; i < texts.size(); i++) {
                String a = texts.get(i);
                String b = pairs ? texts.get((i + 1) % texts.size()) : null;
                ai.djl.huggingface.tokenizers.Encoding want;
                try {
                    want = b == null ? djl.encode(a, true, false) : djl.encode(a, b, true, false);
                } catch (RuntimeException e) {
                    // The oracle refuses only_first/only_second when that text is too short; st4j must refuse too.
                    if (strategy.equals("longest_first")) {
                        failures.add("text " + i + ": DJL failed: " + e);
                        continue;
                    }
                    try {
                        mine.encode(a, b, true);
                        failures.add("text " + i + ": DJL refused (" + e.getMessage() + "), st4j encoded it");
                    } catch (IllegalArgumentException expected) {
                        // both refuse
                    }
                    continue;
                }
                compared++;
                String d = DjlOracle.diff(want, b == null ? mine.encode(a) : mine.encode(a, b, true));
                if (d != null) {
                    failures.add("text " + i + " " + abbreviate(a) + (b == null ? "" : " + " + abbreviate(b)) + ": " + d);
                }
                if (b == null) {
                    d = DjlOracle.diff(djl.encode(a, false, false), mine.encode(a, null, false));
                    if (d != null) {
                        failures.add("text " + i + " without special tokens " + abbreviate(a) + ": " + d);
                    }
                }
            }
        }
        if (compared == 0) {
            failures.add("nothing compared");
        }
        return failures;
    }

    static String abbreviate(String s) {
        String e = s.replace("\n", "\\n");
        return "\"" + (e.length() > 60 ? e.substring(0, 60) + "..." : e) + "\"";
    }

    static void assertNone(List<String> failures) {
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())),
                failures.size() + " texts differ from DJL");
    }

    @ParameterizedTest
    @MethodSource("files")
    void tortureSetAndCorpusSampleMatchDjl(String file) {
        List<String> texts = new ArrayList<>(TestData.torture());
        texts.addAll(TestData.corpus().subList(0, 500));
        assertNone(compare(TestData.json(file), texts, 0, "longest_first", false));
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("files")
    void everyCorpusLineMatchesDjl(String file) {
        assertNone(compare(TestData.json(file), texts(), 0, "longest_first", false));
    }

    /** Every code point between two letters, 64 to a text: character classes as HF's (older) Unicode tables. */
    @Tag("slow")
    @Test
    void everyCodePointMatchesDjl() {
        assertNone(compare(TestData.json(TestData.EMBEDDED.get(0)), everyCodePoint(), 0, "longest_first", false));
    }

    /** Every code point but the surrogates, each between two x's, 64 to a text. */
    static List<String> everyCodePoint() {
        List<String> texts = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int inText = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            sb.append('x').appendCodePoint(cp).append("x ");
            if (++inText == 64) {
                texts.add(sb.toString());
                sb.setLength(0);
                inText = 0;
            }
        }
        texts.add(sb.toString());
        return texts;
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("files")
    void truncatedSinglesAndPairsMatchDjl(String file) {
        String json = TestData.json(file);
        List<String> texts = texts().subList(0, 2000);
        List<String> failures = new ArrayList<>();
        for (int max : new int[] {5, 16, 128}) {
            failures.addAll(compare(json, texts, max, "longest_first", false));
            failures.addAll(compare(json, texts, max, "longest_first", true));
        }
        failures.addAll(compare(json, texts, 24, "only_first", true));
        failures.addAll(compare(json, texts, 24, "only_second", true));
        failures.addAll(compare(json, TestData.torture(), 0, "longest_first", true));
        assertNone(failures);
    }
}
