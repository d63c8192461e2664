package dev.st4j.tokenizers;

import static dev.st4j.tokenizers.Conformance.assertNone;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Truncation with a stride: the kept encoding and every overflowing window as Hugging Face (DJL) returns them. */
class StrideOverflowTest {
    static List<String> files() {
        return List.of(TestData.EMBEDDED.get(0), "tokenizers/roberta-base.tokenizer.json",
                "tokenizers/paraphrase-multilingual-mpnet-base-v2.tokenizer.json.gz",
                "tokenizers/t5-small.tokenizer.json", "tokenizers/gpt2.tokenizer.json");
    }

    static HuggingFaceTokenizer djl(String json, int maxLength, int stride) throws IOException {
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                Map.of("padding", "false", "truncation", "longest_first", "maxLength", Integer.toString(maxLength),
                        "stride", Integer.toString(stride), "withOverflowingTokens", "true"));
    }

    @ParameterizedTest
    @MethodSource("files")
    void overflowingWindowsOfSinglesAndPairsMatchDjl(String file) throws IOException {
        String json = TestData.json(file);
        List<String> texts = new ArrayList<>(TestData.corpus().subList(0, 150));
        texts.addAll(TestData.torture());
        List<String> failures = new ArrayList<>();
        for (int[] setting : new int[][] {{16, 4}, {12, 0}, {40, 9}}) {
            int max = setting[0];
            int stride = setting[1];
            Tokenizer mine = Conformance.parsed(json).withPadding(null)
                    .withTruncation(new Truncation(max, Truncation.Strategy.LONGEST_FIRST, stride, false));
            try (HuggingFaceTokenizer djl = djl(json, max, stride)) {
                for (int i = 0; i < texts.size(); i++) {
                    String a = texts.get(i);
                    String b = i % 2 == 0 ? null : texts.get((i + 7) % texts.size());
                    ai.djl.huggingface.tokenizers.Encoding want;
                    try {
                        want = b == null ? djl.encode(a, true, true) : djl.encode(a, b, true, true);
                    } catch (RuntimeException refused) {
                        // HF refuses a stride as long as a text's share of the window; st4j must refuse too.
                        String pair = b;
                        try {
                            mine.encodeWithOverflowing(a, pair, true);
                            failures.add("text " + i + " (" + max + "/" + stride + "): DJL refused, st4j did not");
                        } catch (IllegalArgumentException expected) {
                            // both refuse
                        }
                        continue;
                    }
                    List<ai.djl.huggingface.tokenizers.Encoding> all = new ArrayList<>();
                    all.add(want);
                    all.addAll(List.of(want.getOverflowing()));
                    List<Encoding> got = mine.encodeWithOverflowing(a, b, true);
                    String where = "text " + i + " (" + max + "/" + stride + ") "
                            + Conformance.abbreviate(a) + (b == null ? "" : " + " + Conformance.abbreviate(b));
                    if (got.size() != all.size()) {
                        failures.add(where + ": " + all.size() + " windows vs " + got.size());
                        continue;
                    }
                    for (int k = 0; k < all.size(); k++) {
                        String d = DjlOracle.diff(all.get(k), got.get(k));
                        if (d != null) {
                            failures.add(where + " window " + k + ": " + d);
                            break;
                        }
                    }
                }
            }
        }
        assertNone(failures);
    }

    @ParameterizedTest
    @MethodSource("files")
    void aStrideAsLongAsTheWindowIsRefused(String file) {
        Tokenizer t = Conformance.parsed(TestData.json(file)).withPadding(null)
                .withTruncation(new Truncation(8, Truncation.Strategy.LONGEST_FIRST, 8, false));
        assertThrows(IllegalArgumentException.class,
                () -> t.encodeWithOverflowing("word ".repeat(40), null, true));
    }
}
