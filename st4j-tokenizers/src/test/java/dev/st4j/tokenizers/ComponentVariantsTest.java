package dev.st4j.tokenizers;

import static dev.st4j.tokenizers.Conformance.assertNone;
import static dev.st4j.tokenizers.Conformance.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each normalizer and pre-tokenizer option on its own, swapped into a real file (MiniLM's WordPiece, or
 * roberta-base's BPE for the byte-level ones), against DJL on the torture set.
 */
class ComponentVariantsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static List<Arguments> variants() {
        String wp = "all-minilm-l6-v2-tokenizer.json";
        String bpe = "tokenizers/roberta-base.tokenizer.json";
        String ws = "{\"type\":\"WhitespaceSplit\"}";
        List<String[]> v = new ArrayList<>();
        for (String n : new String[] {"NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents"}) {
            v.add(new String[] {wp, "normalizer", "{\"type\":\"" + n + "\"}", "pre_tokenizer", ws});
        }
        v.add(new String[] {wp, "normalizer", "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKD\"},"
                + "{\"type\":\"StripAccents\"},{\"type\":\"Lowercase\"}]}", "pre_tokenizer", ws});
        v.add(new String[] {wp, "normalizer", "{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":false}",
                "pre_tokenizer", "{\"type\":\"BertPreTokenizer\"}"});
        v.add(new String[] {wp, "normalizer", "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Replace\","
                + "\"pattern\":{\"String\":\" \"},\"content\":\"\u2581\"},{\"type\":\"Prepend\",\"prepend\":\"\u2581\"}]}",
                "pre_tokenizer", "{\"type\":\"Split\",\"pattern\":{\"String\":\"\u2581\"},\"behavior\":\"MergedWithNext\","
                        + "\"invert\":false}"});
        v.add(new String[] {wp, "normalizer", "{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"[aeiou]+\"},"
                + "\"content\":\"#\"}", "pre_tokenizer", ws});
        for (String b : new String[] {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"}) {
            v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\s+|[,.!?]\"},"
                    + "\"behavior\":\"" + b + "\",\"invert\":false}"});
            v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Punctuation\",\"behavior\":\"" + b + "\"}"});
        }
        v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\p{L}+\"},"
                + "\"behavior\":\"Removed\",\"invert\":true}"});
        v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Whitespace\"}"});
        v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"UnicodeScripts\"},"
                + ws + ",{\"type\":\"Digits\",\"individual_digits\":true}]}"});
        v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Sequence\",\"pretokenizers\":[" + ws
                + ",{\"type\":\"Digits\",\"individual_digits\":false}]}"});
        for (String scheme : new String[] {"always", "first", "never"}) {
            v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                    + "\"prepend_scheme\":\"" + scheme + "\",\"split\":true}"});
        }
        v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                + "\"prepend_scheme\":\"always\",\"split\":false}"});
        v.add(new String[] {wp, "pre_tokenizer", "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\","
                + "\"add_prefix_space\":true,\"str_rep\":\"\u2581\"}"});
        v.add(new String[] {bpe, "pre_tokenizer", "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
                + "\"trim_offsets\":true,\"use_regex\":true}"});
        v.add(new String[] {bpe, "pre_tokenizer", "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
                + "\"trim_offsets\":true,\"use_regex\":false}"});
        v.add(new String[] {bpe, "post_processor", "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
                + "\"trim_offsets\":true}"});
        v.add(new String[] {bpe, "normalizer", "{\"type\":\"NFKC\"}"});
        return v.stream().map(a -> Arguments.of((Object) a)).toList();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("variants")
    void variantMatchesDjl(String[] variant) throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(TestData.json(variant[0]));
        for (int i = 1; i + 1 < variant.length; i += 2) {
            root.set(variant[i], MAPPER.readTree(variant[i + 1]));
        }
        String json = root.toString();
        List<String> failures = new ArrayList<>(compare(json, TestData.torture(), 0, "longest_first", false));
        failures.addAll(compare(json, TestData.torture(), 12, "longest_first", true));
        assertNone(failures);
    }
}
