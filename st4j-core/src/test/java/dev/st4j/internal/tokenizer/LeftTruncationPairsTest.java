package dev.st4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentence pairs under {@code truncation_side: left} (and {@code truncation.direction: Left} in tokenizer.json), as
 * Hugging Face tokenizers truncates them: longest-first, each text losing tokens from its start. DJL (Hugging Face
 * tokenizers, native) is the oracle: its right-truncated encoding gives the layout and how many tokens each text
 * keeps (longest-first does not depend on the direction), its untruncated encoding gives each text's tokens, whose
 * last ones a left cut keeps. (DJL's own truncation option always cuts on the right, so it cannot be asked
 * directly.) Both st4j tokenizers, Java and DJL-backed, must give exactly that.
 */
class LeftTruncationPairsTest {
    private static final int MAX = 12;
    private static final Path ROBERTA = Path.of(System.getProperty("st4j.shared.data"), "tokenizers",
            "roberta-base.tokenizer.json");

    @Test
    void pairsLoseTheirFirstTokensLongestFirstAsHuggingFaceTokenizersDoes(@TempDir Path dir) throws IOException {
        for (Path source : List.of(TokenizerChoiceTest.TINY, ROBERTA)) {
            Path folder = Files.createDirectories(dir.resolve(source.getParent().getFileName() + "-"
                    + source.getFileName()));
            String json = Files.readString(source).replaceFirst("\"truncation\":\\s*(null|\\{[^}]*\\})",
                    "\"truncation\": {\"direction\": \"Left\", \"max_length\": " + MAX
                            + ", \"strategy\": \"LongestFirst\", \"stride\": 0}");
            assertTrue(json.contains("\"direction\": \"Left\""), source + " has a truncation block to replace");
            Files.writeString(folder.resolve("tokenizer.json"), json);
            Files.writeString(folder.resolve("tokenizer_config.json"), "{\"truncation_side\": \"left\"}");
            List<String> a = List.of("one two three four five six seven eight nine ten", "short",
                    "alpha beta gamma delta epsilon zeta eta theta iota", "a b", "red green blue");
            List<String> b = List.of("short", "one two three four five six seven eight nine ten",
                    "first second third fourth fifth sixth seventh eighth ninth tenth", "c d", "cyan");
            try (HuggingFaceTokenizer whole = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"),
                            Map.of("padding", "false", "truncation", "false"));
                    HuggingFaceTokenizer right = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"),
                            Map.of("padding", "false", "truncation", "true", "maxLength", Integer.toString(MAX)));
                    TextTokenizer java = TextTokenizer.load(folder, false, MAX);
                    TextTokenizer djl = TextTokenizer.load(folder, false, MAX, "djl")) {
                assertTrue(java.truncatesLeft());
                List<TextTokenizer.Encoded> javaOut = java.encodePairs(a, b);
                List<TextTokenizer.Encoded> djlOut = djl.encodePairs(a, b);
                for (int i = 0; i < a.size(); i++) {
                    long[] expected = leftCut(whole.encode(a.get(i), b.get(i)), right.encode(a.get(i), b.get(i)));
                    String what = source.getFileName() + " pair " + i;
                    assertTrue(expected.length <= MAX, what);
                    assertArrayEquals(expected, javaOut.get(i).ids(), what + " (java)");
                    assertArrayEquals(expected, djlOut.get(i).ids(), what + " (djl)");
                }
                // The first pair is cut: its first text keeps its last words, not its first ones.
                assertEquals(MAX, javaOut.get(0).length());
            }
        }
    }

    /** {@code right}'s layout, each text's tokens replaced by the last ones of that text in {@code whole}. */
    private static long[] leftCut(Encoding whole, Encoding right) {
        List<List<Long>> texts = List.of(new ArrayList<>(), new ArrayList<>());
        long[] seq = whole.getSequenceIds();
        for (int p = 0; p < seq.length; p++) {
            if (seq[p] == 0 || seq[p] == 1) {
                texts.get((int) seq[p]).add(whole.getIds()[p]);
            }
        }
        long[] rightSeq = right.getSequenceIds();
        int[] keep = new int[2];
        for (long s : rightSeq) {
            if (s == 0 || s == 1) {
                keep[(int) s]++;
            }
        }
        int[] next = {texts.get(0).size() - keep[0], texts.get(1).size() - keep[1]};
        long[] out = right.getIds().clone();
        for (int p = 0; p < out.length; p++) {
            if (rightSeq[p] == 0 || rightSeq[p] == 1) {
                int k = (int) rightSeq[p];
                out[p] = texts.get(k).get(next[k]++);
            }
        }
        return out;
    }
}
