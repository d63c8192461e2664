package dev.st4j.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** Hugging Face tokenizers (Rust) through DJL, and a field-by-field comparison with an st4j {@link Encoding}. */
final class DjlOracle {
    private DjlOracle() {}

    static {
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /** DJL over the same file: no padding, and truncation at {@code maxLength} (0 for none). */
    static HuggingFaceTokenizer load(String json, int maxLength, String strategy) {
        Map<String, String> options = maxLength == 0 ? Map.of("padding", "false", "truncation", "false")
                : Map.of("padding", "false", "truncation", strategy, "maxLength", Integer.toString(maxLength));
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when they agree, else what differs. */
    static String diff(ai.djl.huggingface.tokenizers.Encoding want, Encoding got) {
        if (!Arrays.equals(want.getIds(), toLong(got.ids()))) {
            return "ids " + Arrays.toString(want.getIds()) + " vs " + Arrays.toString(got.ids()) + "\n   tokens "
                    + Arrays.toString(want.getTokens()) + " vs " + Arrays.toString(got.tokens());
        }
        if (!Arrays.equals(want.getTypeIds(), toLong(got.typeIds()))) {
            return "type ids " + Arrays.toString(want.getTypeIds()) + " vs " + Arrays.toString(got.typeIds());
        }
        if (!Arrays.equals(want.getAttentionMask(), toLong(got.attentionMask()))) {
            return "attention " + Arrays.toString(want.getAttentionMask()) + " vs "
                    + Arrays.toString(got.attentionMask());
        }
        if (!Arrays.equals(want.getSpecialTokenMask(), toLong(got.specialTokensMask()))) {
            return "special mask " + Arrays.toString(want.getSpecialTokenMask()) + " vs "
                    + Arrays.toString(got.specialTokensMask());
        }
        if (!Arrays.equals(want.getTokens(), got.tokens())) {
            return "tokens " + Arrays.toString(want.getTokens()) + " vs " + Arrays.toString(got.tokens());
        }
        if (!Arrays.equals(want.getWordIds(), toLong(got.wordIds()))) {
            return "word ids " + Arrays.toString(want.getWordIds()) + " vs " + Arrays.toString(got.wordIds());
        }
        CharSpan[] spans = want.getCharTokenSpans();
        for (int i = 0; i < spans.length; i++) {
            int ws = spans[i] == null ? 0 : spans[i].getStart();
            int we = spans[i] == null ? 0 : spans[i].getEnd();
            if (ws != got.offsetStarts()[i] || we != got.offsetEnds()[i]) {
                return "offsets of token " + i + " (" + got.tokens()[i] + "): (" + ws + "," + we + ") vs ("
                        + got.offsetStarts()[i] + "," + got.offsetEnds()[i] + ")";
            }
        }
        return null;
    }

    static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
