package dev.st4j.tokenizers;

import static dev.st4j.tokenizers.Conformance.assertNone;
import static dev.st4j.tokenizers.Conformance.compare;

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

    /** The torture set and the first 500 corpus lines: the quick (non-full) conformance set. */
    static List<String> tortureAndSample() {
        List<String> texts = new ArrayList<>(TestData.torture());
        texts.addAll(TestData.corpus().subList(0, 500));
        return texts;
    }

    @ParameterizedTest
    @MethodSource("files")
    void tortureSetAndCorpusSampleMatchDjl(String file) {
        assertNone(compare(TestData.json(file), tortureAndSample(), 0, "longest_first", false));
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("files")
    void everyCorpusLineMatchesDjl(String file) {
        assertNone(compare(TestData.json(file), texts(), 0, "longest_first", false));
    }

    /** Every code point between two letters: character classes as HF's (older) Unicode tables. */
    @Tag("slow")
    @Test
    void everyCodePointMatchesDjl() {
        String json = TestData.json(TestData.EMBEDDED.get(0));
        assertNone(Conformance.compare(json, Conformance.parsed(json), Conformance.everyCodePoint(256), 0,
                "longest_first", false, false));
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
