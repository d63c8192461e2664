package dev.st4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Surrogates, padding, left truncation, decoding and refusals. */
class BehaviourTest {
    static final String MINILM = "all-minilm-l6-v2-tokenizer.json";

    static List<String> allFiles() {
        List<String> all = new ArrayList<>(TestData.EMBEDDED);
        all.addAll(SharedFilesConformanceTest.files());
        return all;
    }

    @Test
    void unpairedSurrogateIsATypedErrorNamingTextAndPosition() {
        Tokenizer t = Tokenizer.fromString(TestData.json(MINILM));
        UnpairedSurrogateException e = assertThrows(UnpairedSurrogateException.class,
                () -> t.encodeBatch(List.of("fine", "caf\u00e9 \uD83D\uDE00 hello \uD800"), true));
        assertEquals(1, e.textIndex());
        assertEquals(14, e.position());
        assertTrue(e.getMessage().contains("position 14") && e.getMessage().contains("U+D800"), e.getMessage());
        assertThrows(UnpairedSurrogateException.class, () -> t.encode("\uDC00 low first"));
        assertThrows(UnpairedSurrogateException.class, () -> t.encode("ok", "pair \uD800", true));
    }

    @Test
    void replacementTouchesOnlyTheBadCodeUnit() {
        String json = TestData.json(MINILM);
        Tokenizer t = Tokenizer.fromString(json).withPadding(null).withTruncation(null)
                .withSurrogatePolicy(SurrogatePolicy.REPLACE);
        String bad = "caf\u00e9 \uD83D\uDE00 hello \uD800 and \uDFFF\uD83D\uDE00";
        String fixed = "caf\u00e9 \uD83D\uDE00 hello \uFFFD and \uFFFD\uD83D\uDE00";
        Encoding got = t.encode(bad);
        try (HuggingFaceTokenizer djl = DjlOracle.load(json, 0, "")) {
            assertNull(DjlOracle.diff(djl.encode(fixed, true, false), got));
        }
        // The emoji survives as its own ([UNK]) token: the lossy whole-text decoding of the issue would drop it.
        assertEquals(List.of("[CLS]", "cafe", "[UNK]", "hello", "and", "[UNK]", "[SEP]"), Arrays.asList(got.tokens()));
    }

    @ParameterizedTest
    @MethodSource("allFiles")
    void paddingMatchesDjl(String file) throws IOException {
        String json = TestData.json(file);
        List<String> texts = TestData.torture().subList(0, 30);
        Tokenizer mine = Tokenizer.fromString(json).withTruncation(Truncation.of(20));
        // DJL keeps the file's pad token and id, else Hugging Face's defaults (id 0, "[PAD]").
        int padId = mine.padding() == null ? 0 : mine.padding().padId();
        String padToken = mine.padding() == null ? "[PAD]" : mine.padding().padToken();
        Map<String, String> options = Map.of("padding", "max_length", "truncation", "true", "maxLength", "20",
                "padToMultipleOf", "0");
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), options)) {
            Tokenizer fixed = mine.withPadding(new Padding(20, false, 0, padId, 0, padToken));
            for (String text : texts) {
                assertNull(DjlOracle.diff(djl.encode(text, true, false), fixed.encode(text)), text);
            }
        }
        Map<String, String> longest = Map.of("padding", "true", "truncation", "true", "maxLength", "20",
                "padToMultipleOf", "8");
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), longest)) {
            Tokenizer batch = mine.withPadding(new Padding(0, false, 8, padId, 0, padToken));
            ai.djl.huggingface.tokenizers.Encoding[] want = djl.batchEncode(texts, true, false);
            List<Encoding> got = batch.encodeBatch(texts, true);
            for (int i = 0; i < texts.size(); i++) {
                assertNull(DjlOracle.diff(want[i], got.get(i)), texts.get(i));
            }
            assertEquals(24, got.get(0).length());
        }
    }

    @Test
    void leftPaddingAndLeftTruncationMirrorTheRightOnes() {
        Tokenizer t = Tokenizer.fromString(TestData.json(MINILM)).withPadding(null);
        String text = "one two three four five six seven eight";
        // [CLS] one two three four five six seven eight [SEP] = 101 2028 2048 2093 2176 2274 2416 2698 2809 102
        Encoding left = t.withTruncation(new Truncation(5, Truncation.Strategy.LONGEST_FIRST, 0, true)).encode(text);
        assertArrayEquals(new int[] {101, 2416, 2698, 2809, 102}, left.ids());
        assertArrayEquals(new int[] {101, 2028, 2048, 2093, 102},
                t.withTruncation(Truncation.of(5)).encode(text).ids());
        Encoding padded = t.withTruncation(null).withPadding(new Padding(6, true, 0, 0, 0, "[PAD]")).encode("two");
        assertArrayEquals(new int[] {0, 0, 0, 101, 2048, 102}, padded.ids());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, padded.attentionMask());
        assertArrayEquals(new int[] {1, 1, 1, 1, 0, 1}, padded.specialTokensMask());
        assertArrayEquals(new int[] {0, 0, 0, 0, 3, 0}, padded.offsetEnds());
    }

    @ParameterizedTest
    @MethodSource("allFiles")
    void decodingMatchesDjl(String file) {
        String json = TestData.json(file);
        Tokenizer mine = Tokenizer.fromString(json).withTruncation(null).withPadding(null);
        List<String> failures = new ArrayList<>();
        try (HuggingFaceTokenizer djl = DjlOracle.load(json, 0, "")) {
            for (String text : TestData.torture()) {
                int[] ids = mine.encode(text).ids();
                for (boolean skip : new boolean[] {true, false}) {
                    String want = djl.decode(DjlOracle.toLong(ids), skip);
                    String got = mine.decode(ids, skip);
                    if (!want.equals(got)) {
                        failures.add(skip + " " + text + ": \"" + want + "\" vs \"" + got + "\"");
                    }
                }
            }
        }
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " differ");
    }

    @Test
    void unimplementedFeaturesAreRefusedByName() {
        String json = TestData.json(MINILM);
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> Tokenizer.fromString(
                json.replaceFirst("\"type\":\\s*\"BertNormalizer\"", "\"type\": \"Nmt\"")));
        assertTrue(e.feature().contains("Nmt"), e.getMessage());
        String roberta = TestData.json("tokenizers/roberta-base.tokenizer.json");
        e = assertThrows(UnsupportedFeatureException.class, () -> Tokenizer.fromString(
                roberta.replaceFirst("\"dropout\":\\s*null", "\"dropout\": 0.1")));
        assertTrue(e.feature().contains("dropout"), e.getMessage());
        e = assertThrows(UnsupportedFeatureException.class, () -> Tokenizer.fromString(
                json.replaceFirst("\"type\":\\s*\"BertPreTokenizer\"", "\"type\": \"CharDelimiterSplit\"")));
        assertTrue(e.feature().contains("CharDelimiterSplit"), e.getMessage());
        assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromString("{\"model\": 3"));
    }
}
