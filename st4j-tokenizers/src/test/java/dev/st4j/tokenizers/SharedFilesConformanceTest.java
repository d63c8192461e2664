package dev.st4j.tokenizers;

import static dev.st4j.tokenizers.Conformance.assertNone;
import static dev.st4j.tokenizers.Conformance.compare;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The BPE and Unigram files of the shared data against Hugging Face tokenizers (DJL), field by field. */
class SharedFilesConformanceTest {
    static List<String> files() {
        return List.of("tokenizers/roberta-base.tokenizer.json", "tokenizers/gpt2.tokenizer.json",
                "tiny-models/tiny-xlm-roberta-ce-onnx/tokenizer.json", "tokenizers/t5-small.tokenizer.json",
                "tokenizers/paraphrase-multilingual-mpnet-base-v2.tokenizer.json.gz",
                "tokenizers/marian-nmt-unigram.tokenizer.json");
    }

    @ParameterizedTest
    @MethodSource("files")
    void tortureSetAndCorpusSampleMatchDjl(String file) {
        assertNone(compare(TestData.json(file), WordPieceConformanceTest.tortureAndSample(), 0, "longest_first", false));
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("files")
    void everyCodePointMatchesDjl(String file) {
        String json = TestData.json(file);
        assertNone(compare(json, Conformance.parsed(json), Conformance.everyCodePoint(256), 0, "longest_first", false,
                false));
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("files")
    void everyCorpusLineAndTruncatedPairsMatchDjl(String file) {
        String json = TestData.json(file);
        List<String> failures = new ArrayList<>(compare(json, TestData.corpus(), 0, "longest_first", false));
        List<String> sample = TestData.corpus().subList(0, 1000);
        failures.addAll(compare(json, sample, 16, "longest_first", true));
        failures.addAll(compare(json, sample, 9, "longest_first", false));
        failures.addAll(compare(json, TestData.torture(), 0, "longest_first", true));
        assertNone(failures);
    }
}
