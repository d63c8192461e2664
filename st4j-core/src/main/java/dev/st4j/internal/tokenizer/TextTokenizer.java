package dev.st4j.internal.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.tokenizers.Tokenizer;
import dev.st4j.tokenizers.TokenizerFormatException;
import dev.st4j.tokenizers.Truncation;
import dev.st4j.tokenizers.SurrogatePolicy;
import dev.st4j.tokenizers.UnpairedSurrogateException;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import dev.st4j.tokenizers.slow.SlowTokenizers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model's {@code tokenizer.json} pipeline (st4j's pure-Java implementation by default, or Hugging Face
 * tokenizers through DJL when {@code "djl"} is asked for), configured the way
 * sentence-transformers uses it: the file's own truncation and padding blocks are ignored, inputs are cut at the
 * model's max sequence length (special tokens included) and padded to the longest text of each batch.
 */
public final class TextTokenizer implements AutoCloseable {
    /** No truncation: models without any length limit. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    static {
        // DJL asks an EC2 metadata endpoint whether it runs on AWS unless told not to; st4j makes no network calls.
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final String tokenizerJson;
    private final Path source;
    private final long padId;
    private final boolean addSpecialTokens;
    /** tokenizer_config.json's {@code padding_side == "left"}: rows are presented with real tokens last. */
    private final boolean padLeft;
    /** tokenizer_config.json's {@code truncation_side == "left"}: long inputs lose their first tokens. */
    private final boolean truncateLeft;
    private final List<HuggingFaceTokenizer> retired = new java.util.ArrayList<>();
    /** Exactly one of the two is set: the Java tokenizer (default) or DJL's. */
    private volatile HuggingFaceTokenizer tokenizer;
    private volatile Tokenizer javaTokenizer;
    private volatile int maxLength;
    /** Unpaired surrogates: refused (default) or replaced by U+FFFD, for both implementations. */
    private volatile SurrogatePolicy surrogates = SurrogatePolicy.REJECT;
    /** Built on first use by {@link #untruncatedLength}: the same tokenizer without truncation. */
    private Tokenizer untruncatedJava;
    private HuggingFaceTokenizer untruncatedDjl;

    private TextTokenizer(String tokenizerJson, Path source, long padId, int maxLength, boolean addSpecialTokens,
            boolean padLeft, boolean truncateLeft, String impl) {
        this.tokenizerJson = tokenizerJson;
        this.source = source;
        this.padId = padId;
        this.addSpecialTokens = addSpecialTokens;
        this.padLeft = padLeft;
        this.truncateLeft = truncateLeft;
        this.maxLength = maxLength;
        if ("djl".equals(impl)) {
            this.tokenizer = build(maxLength);
        } else {
            this.javaTokenizer = buildJava(maxLength);
        }
    }

    /** As {@link #load(Path, boolean, int, String)} with the default (Java) tokenizer. */
    public static TextTokenizer load(Path folder, boolean lowerCase, int maxLength) {
        return load(folder, lowerCase, maxLength, null);
    }

    /** As {@link #loadWithoutSpecialTokens(Path, String)} with the default (Java) tokenizer. */
    public static TextTokenizer loadWithoutSpecialTokens(Path folder) {
        return loadWithoutSpecialTokens(folder, null);
    }

    /**
     * Loads {@code tokenizer.json} (and {@code tokenizer_config.json}, {@code special_tokens_map.json} when present)
     * from a folder.
     *
     * @param lowerCase add a lowercasing step in front of the normalizer unless it already lowercases (the
     *     {@code do_lower_case} of {@code sentence_bert_config.json})
     * @param maxLength longest token sequence, special tokens included, or {@link #UNLIMITED}
     * @param impl {@code "java"} or null (st4j's tokenizer), or {@code "djl"} (Hugging Face tokenizers, native)
     */
    public static TextTokenizer load(Path folder, boolean lowerCase, int maxLength, String impl) {
        return load(folder, lowerCase, maxLength, impl, false);
    }

    /** As {@link #load(Path, boolean, int, String)}; {@code replaceSurrogates}: unpaired surrogates become U+FFFD. */
    public static TextTokenizer load(Path folder, boolean lowerCase, int maxLength, String impl,
            boolean replaceSurrogates) {
        Path file = folder.resolve("tokenizer.json");
        JsonNode json;
        if (Files.isRegularFile(file)) {
            json = ModelFolder.readJsonObject(file);
        } else if (SlowTokenizers.present(folder)) {
            json = fromSlowFiles(folder);
        } else {
            throw new ModelFormatException(file, "file is missing, and so are the slow-tokenizer files st4j "
                    + "converts instead (vocab.txt, vocab.json + merges.txt, sentencepiece.bpe.model, spiece.model)");
        }
        if (lowerCase && !lowercases(json.get("normalizer"))) {
            ObjectNode lower = ModelFolder.mapper().createObjectNode().put("type", "Lowercase");
            JsonNode existing = json.get("normalizer");
            if (existing == null || existing.isNull()) {
                ((ObjectNode) json).set("normalizer", lower);
            } else {
                ObjectNode seq = ModelFolder.mapper().createObjectNode().put("type", "Sequence");
                ArrayNode list = seq.putArray("normalizers");
                list.add(lower);
                list.add(existing);
                ((ObjectNode) json).set("normalizer", seq);
            }
        }
        long padId = findPadId(folder, json);
        JsonNode cfg = ModelFolder.readJsonIfExists(folder.resolve("tokenizer_config.json")).orElse(null);
        return new TextTokenizer(json.toString(), Files.isRegularFile(file) ? file : folder, padId, maxLength, true,
                side(cfg, "padding_side", folder), side(cfg, "truncation_side", folder), impl)
                .replacingUnpairedSurrogates(replaceSurrogates);
    }

    /**
     * Loads {@code tokenizer.json} the way StaticEmbedding uses it: no special tokens, and the file's own
     * truncation block (if any) as the only length limit.
     */
    public static TextTokenizer loadWithoutSpecialTokens(Path folder, String impl) {
        Path file = folder.resolve("tokenizer.json");
        JsonNode json = ModelFolder.readJsonObject(file);
        JsonNode truncation = json.get("truncation");
        int maxLength = truncation != null && truncation.path("max_length").canConvertToInt()
                ? truncation.get("max_length").asInt() : UNLIMITED;
        return new TextTokenizer(json.toString(), file, findPadId(folder, json), maxLength, false, false, false,
                impl);
    }

    /** The tokenizer.json transformers would convert the folder's slow-tokenizer files into. */
    private static JsonNode fromSlowFiles(Path folder) {
        try {
            return SlowTokenizers.toTokenizerJson(folder);
        } catch (UnsupportedFeatureException e) {
            throw new UnsupportedModelException(folder + ": " + e.getMessage()
                    + "; save the tokenizer with transformers' fast tokenizer to get a tokenizer.json");
        } catch (TokenizerFormatException e) {
            throw new ModelFormatException(folder, e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code key} of tokenizer_config.json says {@code "left"} (absent or {@code "right"}: false). */
    private static boolean side(JsonNode cfg, String key, Path folder) {
        JsonNode v = cfg == null ? null : cfg.get(key);
        if (v == null || v.isNull() || v.asText().equals("right")) {
            return false;
        }
        if (v.asText().equals("left")) {
            return true;
        }
        throw new ModelFormatException(folder.resolve("tokenizer_config.json"),
                "\"" + key + "\" must be \"left\" or \"right\", got " + v);
    }

    /** This tokenizer, replacing unpaired surrogates by U+FFFD ({@code true}) or refusing them (the default). */
    public synchronized TextTokenizer replacingUnpairedSurrogates(boolean replace) {
        surrogates = replace ? SurrogatePolicy.REPLACE : SurrogatePolicy.REJECT;
        if (javaTokenizer != null) {
            javaTokenizer = javaTokenizer.withSurrogatePolicy(surrogates);
            untruncatedJava = null; // rebuilt with the new policy on next use
        }
        return this;
    }

    /** Whether batches are presented left-padded (tokenizer_config.json's {@code padding_side}). */
    public boolean padsLeft() {
        return padLeft;
    }

    /** Whether long inputs are cut at the start (tokenizer_config.json's {@code truncation_side}). */
    public boolean truncatesLeft() {
        return truncateLeft;
    }

    /** Current truncation length, special tokens included; {@link #UNLIMITED} when there is none. */
    public int maxLength() {
        return maxLength;
    }

    /** Changes the truncation length for later calls. */
    public synchronized void setMaxLength(int maxLength) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max sequence length must be positive, got " + maxLength);
        }
        if (javaTokenizer != null) {
            javaTokenizer = buildJava(maxLength).withSurrogatePolicy(surrogates);
        } else {
            // The old native tokenizer may still be in use by a concurrent encode: free it only on close().
            retired.add(tokenizer);
            tokenizer = build(maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * Token count of one text before truncation, special tokens included: how far past {@link #maxLength()} it
     * reaches (a text cut to exactly the limit and one that fits it exactly look the same after {@link #encode}).
     */
    public int untruncatedLength(String text) {
        if (maxLength == UNLIMITED) {
            return encode(text).length();
        }
        if (javaTokenizer != null) {
            Tokenizer full;
            synchronized (this) {
                if (untruncatedJava == null) {
                    untruncatedJava = buildJava(UNLIMITED).withSurrogatePolicy(surrogates);
                }
                full = untruncatedJava;
            }
            return encoded(full, text, null, 0).length();
        }
        HuggingFaceTokenizer full;
        synchronized (this) {
            if (untruncatedDjl == null) {
                untruncatedDjl = build(UNLIMITED);
                retired.add(untruncatedDjl);
            }
            full = untruncatedDjl;
        }
        return full.encode(checkSurrogates(text, 0), addSpecialTokens, false).getIds().length;
    }

    /**
     * Turns ids back into text with tokenizer.json's decoder, as Hugging Face tokenizers' {@code decode} does (ids the
     * vocabulary lacks are dropped; {@code skipSpecialTokens} drops the special added tokens such as {@code [CLS]}).
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Tokenizer j = javaTokenizer;
        if (j != null) {
            return j.decode(ids, skipSpecialTokens);
        }
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, skipSpecialTokens);
    }

    /** Tokenizes each text (truncated, not padded). */
    public List<Encoded> encode(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        Tokenizer j = javaTokenizer;
        if (j != null) {
            Encoded[] out = new Encoded[texts.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = encoded(j, texts.get(i), null, i);
            }
            return List.of(out);
        }
        // DJL decodes a text with an unpaired surrogate lossily as a whole: check (or replace) first.
        String[] checked = new String[texts.size()];
        for (int i = 0; i < checked.length; i++) {
            checked[i] = checkSurrogates(texts.get(i), i);
        }
        Encoding[] encodings = tokenizer.batchEncode(checked, addSpecialTokens, false);
        Encoded[] out = new Encoded[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            Encoding e = encodings[i];
            out[i] = cutLeft(new Encoded(e.getIds(), e.getTypeIds(), e.getSpecialTokenMask(), e.getTokens()));
        }
        return List.of(out);
    }

    /**
     * Tokenizes sentence pairs as segments A and B (BERT: {@code [CLS] a [SEP] b [SEP]}, type ids 0 then 1),
     * truncated longest-first.
     */
    public List<Encoded> encodePairs(List<String> first, List<String> second) {
        Encoded[] out = new Encoded[first.size()];
        Tokenizer j = javaTokenizer;
        for (int i = 0; i < out.length; i++) {
            if (j != null) {
                out[i] = encoded(j, first.get(i), second.get(i), i);
                continue;
            }
            Encoding e = tokenizer.encode(checkSurrogates(first.get(i), i), checkSurrogates(second.get(i), i),
                    addSpecialTokens, false);
            out[i] = cutPairLeft(e);
        }
        return List.of(out);
    }

    /**
     * Left truncation, which the native tokenizer is not asked to do (it runs without truncation then): keeps
     * the special tokens at both ends and drops the first content tokens, as Hugging Face does for one text.
     */
    private Encoded cutLeft(Encoded e) {
        int max = maxLength;
        if (!truncateLeft || max == UNLIMITED || e.length() <= max) {
            return e;
        }
        int n = e.length();
        int head = 0;
        while (head < n && e.specialTokensMask()[head] == 1) {
            head++;
        }
        int tail = 0;
        while (tail < n - head && e.specialTokensMask()[n - 1 - tail] == 1) {
            tail++;
        }
        int keep = Math.max(0, max - head - tail);
        int from = n - tail - keep;
        long[][] parts = {e.ids(), e.typeIds(), e.specialTokensMask()};
        long[][] cut = new long[3][];
        for (int p = 0; p < 3; p++) {
            cut[p] = concat(parts[p], head, from, n - tail - from + tail);
        }
        String[] tokens = new String[head + keep + tail];
        System.arraycopy(e.tokens(), 0, tokens, 0, head);
        System.arraycopy(e.tokens(), from, tokens, head, keep + tail);
        return new Encoded(cut[0], cut[1], cut[2], tokens);
    }

    /**
     * Left truncation of a pair the native tokenizer encoded whole (it truncates only on the right): Hugging
     * Face's longest-first split of the budget left after the special tokens ({@link Truncation#longestFirst}),
     * each text losing its first tokens; the special tokens stay where the template put them.
     */
    private Encoded cutPairLeft(Encoding e) {
        Encoded full = new Encoded(e.getIds(), e.getTypeIds(), e.getSpecialTokenMask(), e.getTokens());
        int max = maxLength;
        if (!truncateLeft || max == UNLIMITED || full.length() <= max) {
            return full;
        }
        long[] sequence = e.getSequenceIds();
        int[] lengths = new int[2];
        for (long s : sequence) {
            if (s == 0 || s == 1) {
                lengths[(int) s]++;
            }
        }
        int budget = Math.max(0, max - (full.length() - lengths[0] - lengths[1]));
        int[] keep = Truncation.longestFirst(lengths[0], lengths[1], budget);
        int[] seen = new int[2];
        List<Integer> kept = new java.util.ArrayList<>();
        for (int p = 0; p < sequence.length; p++) {
            long s = sequence[p];
            if (s == 0 || s == 1) {
                int k = (int) s;
                if (seen[k]++ < lengths[k] - keep[k]) {
                    continue; // among the first tokens of this text, which left truncation drops
                }
            }
            kept.add(p);
        }
        long[] ids = new long[kept.size()];
        long[] types = new long[kept.size()];
        long[] special = new long[kept.size()];
        String[] tokens = new String[kept.size()];
        for (int i = 0; i < ids.length; i++) {
            int p = kept.get(i);
            ids[i] = full.ids()[p];
            types[i] = full.typeIds()[p];
            special[i] = full.specialTokensMask()[p];
            tokens[i] = full.tokens()[p];
        }
        return new Encoded(ids, types, special, tokens);
    }

    /** The first {@code head} values, then {@code count} values from {@code from}. */
    private static long[] concat(long[] a, int head, int from, int count) {
        long[] out = new long[head + count];
        System.arraycopy(a, 0, out, 0, head);
        System.arraycopy(a, from, out, head, count);
        return out;
    }

    /** Tokenizes one text. */
    public Encoded encode(String text) {
        return encode(List.of(text)).get(0);
    }

    /**
     * Token count of a prompt as sentence-transformers measures it: tokenized alone, with special tokens, minus one
     * when the last token is a special token (the trailing separator).
     */
    public int promptLength(String prompt) {
        Encoded e = encode(prompt);
        int n = e.ids().length;
        if (n > 0 && e.specialTokensMask()[n - 1] == 1) {
            n--;
        }
        return n;
    }

    /** Pads the given encodings on the right to the longest of them. */
    public TokenBatch pad(List<Encoded> rows) {
        int b = rows.size();
        int seq = 0;
        for (Encoded e : rows) {
            seq = Math.max(seq, e.ids().length);
        }
        if (padId < 0 && addSpecialTokens && rows.stream().anyMatch(e -> e.ids().length != rows.get(0).ids().length)) {
            throw new ModelFormatException(source,
                    "the tokenizer has no padding token, so texts of different lengths cannot share a batch; "
                            + "set pad_token in tokenizer_config.json or encode with batch size 1");
        }
        long[] ids = new long[b * seq];
        long[] mask = new long[b * seq];
        long[] types = new long[b * seq];
        int[] lengths = new int[b];
        java.util.Arrays.fill(ids, Math.max(padId, 0));
        for (int r = 0; r < b; r++) {
            Encoded e = rows.get(r);
            int n = e.ids().length;
            lengths[r] = n;
            System.arraycopy(e.ids(), 0, ids, r * seq, n);
            System.arraycopy(e.typeIds(), 0, types, r * seq, n);
            java.util.Arrays.fill(mask, r * seq, r * seq + n, 1L);
        }
        return new TokenBatch(b, seq, ids, mask, types, lengths);
    }

    @Override
    public synchronized void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        retired.forEach(HuggingFaceTokenizer::close);
        retired.clear();
    }

    /** One text (or pair) through the Java tokenizer; a bad surrogate names the text's index in this batch. */
    private Encoded encoded(Tokenizer j, String text, String pair, int index) {
        dev.st4j.tokenizers.Encoding e;
        try {
            e = j.encode(text, pair, addSpecialTokens);
        } catch (UnpairedSurrogateException bad) {
            String where = bad.textIndex() == 0 && pair != null && bad.position() < pair.length()
                    && !isLoneSurrogateAt(text, bad.position()) ? pair : text;
            throw new UnpairedSurrogateException(index, bad.position(), where.charAt(bad.position()), OPT_IN);
        }
        return new Encoded(longs(e.ids()), longs(e.typeIds()), longs(e.specialTokensMask()), e.tokens());
    }

    private static final String OPT_IN = "load the model with LoadOptions.builder().replaceUnpairedSurrogates(true)"
            + " (st4j's --replace-unpaired-surrogates) to tokenize it with U+FFFD in that code unit's place";

    private String checkSurrogates(String text, int index) {
        try {
            return surrogates.apply(text, index);
        } catch (UnpairedSurrogateException bad) {
            throw new UnpairedSurrogateException(index, bad.position(), text.charAt(bad.position()), OPT_IN);
        }
    }

    private static boolean isLoneSurrogateAt(String s, int i) {
        return i < s.length() && Character.isSurrogate(s.charAt(i));
    }

    /** The Java tokenizer, truncating on the side tokenizer_config.json names (it handles left truncation itself). */
    private Tokenizer buildJava(int length) {
        try {
            Tokenizer t = Tokenizer.fromString(tokenizerJson).withPadding(null);
            return t.withTruncation(length == UNLIMITED ? null
                    : new Truncation(length, Truncation.Strategy.LONGEST_FIRST, 0, truncateLeft));
        } catch (UnsupportedFeatureException e) {
            throw new UnsupportedModelException(source + ": " + e.getMessage() + "; load it with "
                    + "LoadOptions.builder().tokenizer(\"djl\") to use Hugging Face tokenizers (a native library)");
        } catch (TokenizerFormatException e) {
            throw new ModelFormatException(source, e.getMessage(), e);
        }
    }

    private static long[] longs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private HuggingFaceTokenizer build(int length) {
        String special = Boolean.toString(addSpecialTokens);
        Map<String, String> options = length == UNLIMITED || truncateLeft
                ? Map.of("addSpecialTokens", special, "padding", "false", "truncation", "false")
                : Map.of("addSpecialTokens", special, "padding", "false", "truncation", "true",
                        "maxLength", Integer.toString(length), "modelMaxLength", Integer.toString(length));
        try {
            return HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new ModelFormatException(source, "is not a tokenizer Hugging Face tokenizers can load: "
                    + e.getMessage(), e);
        }
    }

    private static boolean lowercases(JsonNode normalizer) {
        if (normalizer == null || normalizer.isNull()) {
            return false;
        }
        String type = normalizer.path("type").asText();
        if (type.equals("Lowercase")) {
            return true;
        }
        if (type.equals("BertNormalizer")) {
            return normalizer.path("lowercase").asBoolean(true);
        }
        if (type.equals("Sequence")) {
            for (JsonNode n : normalizer.path("normalizers")) {
                if (lowercases(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The pad token's id: tokenizer_config.json's pad_token, else special_tokens_map.json's, else the file's padding block. */
    private static long findPadId(Path folder, JsonNode tokenizerJson) {
        String padToken = null;
        for (String name : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            JsonNode cfg = ModelFolder.readJsonIfExists(folder.resolve(name)).orElse(null);
            if (cfg != null && padToken == null) {
                JsonNode p = cfg.get("pad_token");
                if (p != null && p.isTextual()) {
                    padToken = p.asText();
                } else if (p != null && p.isObject() && p.path("content").isTextual()) {
                    padToken = p.get("content").asText();
                }
            }
        }
        if (padToken != null) {
            for (JsonNode t : tokenizerJson.path("added_tokens")) {
                if (padToken.equals(t.path("content").asText(null))) {
                    return t.path("id").asLong();
                }
            }
            JsonNode vocab = tokenizerJson.path("model").path("vocab");
            if (vocab.isObject() && vocab.has(padToken)) {
                return vocab.get(padToken).asLong();
            }
        }
        JsonNode padding = tokenizerJson.get("padding");
        if (padding != null && padding.has("pad_id")) {
            return padding.get("pad_id").asLong();
        }
        return -1;
    }

    /**
     * One tokenized text.
     *
     * @param ids token ids, special tokens included
     * @param typeIds segment ids
     * @param specialTokensMask 1 where the token is a special token
     * @param tokens the token strings
     */
    public record Encoded(long[] ids, long[] typeIds, long[] specialTokensMask, String[] tokens) {
        public int length() {
            return ids.length;
        }
    }
}
