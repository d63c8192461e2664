package dev.st4j.tokenizers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.tokenizers.decoders.Decoder;
import dev.st4j.tokenizers.decoders.Decoders;
import dev.st4j.tokenizers.models.Model;
import dev.st4j.tokenizers.models.Models;
import dev.st4j.tokenizers.normalizers.Normalizer;
import dev.st4j.tokenizers.normalizers.Normalizers;
import dev.st4j.tokenizers.pretokenizers.PreTokenizer;
import dev.st4j.tokenizers.pretokenizers.PreTokenizers;
import dev.st4j.tokenizers.processors.PostProcessor;
import dev.st4j.tokenizers.processors.Processors;
import dev.st4j.tokenizers.slow.SlowTokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} pipeline in plain Java: added tokens, normalizer, pre-tokenizer, model,
 * truncation, post-processor, padding; and decoding. Immutable and thread-safe: {@link #withTruncation},
 * {@link #withPadding} and friends return new instances sharing the loaded vocabulary.
 *
 * <p>A file that uses a component or option this implementation lacks fails to load with
 * {@link UnsupportedFeatureException}; it is never tokenized differently.
 */
public final class Tokenizer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final Model model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final AddedVocabulary added;
    private final List<AddedVocabulary.AddedToken> addedTokens;
    private final Truncation truncation;
    private final Padding padding;
    private final SurrogatePolicy surrogates;

    private Tokenizer(Normalizer normalizer, PreTokenizer preTokenizer, Model model, PostProcessor postProcessor,
            Decoder decoder, List<AddedVocabulary.AddedToken> addedTokens, AddedVocabulary added,
            Truncation truncation, Padding padding, SurrogatePolicy surrogates) {
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.addedTokens = addedTokens;
        this.added = added != null ? added : new AddedVocabulary(addedTokens, normalizer);
        this.truncation = truncation;
        this.padding = padding;
        this.surrogates = surrogates;
    }

    /** Reads a tokenizer.json file. */
    public static Tokenizer fromFile(Path file) throws IOException {
        return fromJson(MAPPER.readTree(Files.readAllBytes(file)));
    }

    /**
     * A model folder's tokenizer: its tokenizer.json, or, when it has none, the one transformers' converters build
     * from its slow-tokenizer files (see {@link SlowTokenizers}).
     */
    public static Tokenizer fromFolder(Path folder) throws IOException {
        Path file = folder.resolve("tokenizer.json");
        if (Files.isRegularFile(file)) {
            return fromFile(file);
        }
        if (!SlowTokenizers.present(folder)) {
            throw new TokenizerFormatException(folder + " has no tokenizer.json and no slow-tokenizer files"
                    + " (vocab.txt, vocab.json + merges.txt, sentencepiece.bpe.model or spiece.model)");
        }
        return fromJson(SlowTokenizers.toTokenizerJson(folder));
    }

    /** Parses the text of a tokenizer.json file. */
    public static Tokenizer fromString(String json) {
        try {
            return fromJson(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException("tokenizer.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Builds the tokenizer a parsed tokenizer.json describes. */
    public static Tokenizer fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new TokenizerFormatException("tokenizer.json must hold a JSON object");
        }
        Normalizer normalizer = Normalizers.fromJson(root.get("normalizer"));
        PreTokenizer preTokenizer = PreTokenizers.fromJson(root.get("pre_tokenizer"));
        Model model = Models.fromJson(root.get("model"));
        PostProcessor post = Processors.fromJson(root.get("post_processor"));
        Decoder decoder = Decoders.fromJson(root.get("decoder"));
        List<AddedVocabulary.AddedToken> added = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            boolean special = Json.bool(t, "special", false);
            added.add(new AddedVocabulary.AddedToken(Json.integer(t, "id", -1),
                    Json.requiredText(t, "content", "added token"), Json.bool(t, "single_word", false),
                    Json.bool(t, "lstrip", false), Json.bool(t, "rstrip", false),
                    Json.bool(t, "normalized", !special), special));
        }
        return new Tokenizer(normalizer, preTokenizer, model, post, decoder, added, null,
                Truncation.fromJson(root.get("truncation")), Padding.fromJson(root.get("padding")),
                SurrogatePolicy.REJECT);
    }

    /** This tokenizer with another truncation, or none (null). */
    public Tokenizer withTruncation(Truncation t) {
        return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens, added, t,
                padding, surrogates);
    }

    /** This tokenizer with another padding, or none (null). */
    public Tokenizer withPadding(Padding p) {
        return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens, added,
                truncation, p, surrogates);
    }

    /** This tokenizer with another policy for unpaired surrogates. */
    public Tokenizer withSurrogatePolicy(SurrogatePolicy policy) {
        return new Tokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens, added,
                truncation, padding, policy);
    }

    /** This tokenizer with a lowercasing step in front of its normalizer (unless it lowercases already). */
    public Tokenizer withLowercaseFirst() {
        if (normalizer != null && normalizer.lowercases()) {
            return this;
        }
        Normalizer n = Normalizers.sequence(Normalizers.lowercase(), normalizer);
        return new Tokenizer(n, preTokenizer, model, postProcessor, decoder, addedTokens, null, truncation,
                padding, surrogates);
    }

    public Truncation truncation() {
        return truncation;
    }

    public Padding padding() {
        return padding;
    }

    /** Whether the normalizer lowercases. */
    public boolean lowercases() {
        return normalizer != null && normalizer.lowercases();
    }

    /** Encodes one text with special tokens. */
    public Encoding encode(String text) {
        return encode(text, null, true);
    }

    /** Encodes one text, or a pair when {@code pair} is not null. */
    public Encoding encode(String text, String pair, boolean addSpecialTokens) {
        Encoding e = encodeUnpadded(text, pair, addSpecialTokens, 0);
        if (padding != null) {
            e = e.pad(padding.target(e.length()), padding.padId(), padding.padTypeId(), padding.padToken(),
                    padding.left());
        }
        return e;
    }

    /**
     * Encodes one text or pair as Hugging Face does with {@code return_overflowing_tokens}: the truncated encoding
     * first, then one encoding per overflowing window (windows of the truncation length overlapping by its stride),
     * each with its special tokens; for a pair, each window of the first text with the second's kept part and each
     * of its windows, then the first's kept part with each window of the second. Without truncation, one encoding.
     */
    public List<Encoding> encodeWithOverflowing(String text, String pair, boolean addSpecialTokens) {
        Encoding a = encodeSequence(surrogates.apply(text, 0), 0);
        Encoding b = pair == null ? null : encodeSequence(surrogates.apply(pair, 0), 1);
        List<Encoding> out = new ArrayList<>();
        if (truncation == null) {
            out.add(postProcess(a, b, addSpecialTokens));
        } else {
            List<Encoding>[] w = truncation.windows(a, b, room(b != null, addSpecialTokens));
            List<Encoding> bw = w[1] == null ? java.util.Collections.singletonList(null) : w[1];
            out.add(postProcess(w[0].get(0), bw.get(0), addSpecialTokens));
            for (int i = 1; i < w[0].size(); i++) {
                for (Encoding bj : bw) {
                    out.add(overflowing(w[0].get(i), true, bj, bj != bw.get(0), addSpecialTokens));
                }
            }
            for (int j = 1; j < bw.size(); j++) {
                out.add(overflowing(w[0].get(0), false, bw.get(j), true, addSpecialTokens));
            }
        }
        if (padding != null) {
            out.replaceAll(e -> e.pad(padding.target(e.length()), padding.padId(), padding.padTypeId(),
                    padding.padToken(), padding.left()));
        }
        return out;
    }

    /** Encodes several texts; with padding, all come out as long as the longest (or the fixed length). */
    public List<Encoding> encodeBatch(List<String> texts, boolean addSpecialTokens) {
        List<Encoding> out = new ArrayList<>(texts.size());
        int longest = 0;
        for (int i = 0; i < texts.size(); i++) {
            Encoding e = encodeUnpadded(texts.get(i), null, addSpecialTokens, i);
            longest = Math.max(longest, e.length());
            out.add(e);
        }
        if (padding != null) {
            int target = padding.target(longest);
            out.replaceAll(e -> e.pad(target, padding.padId(), padding.padTypeId(), padding.padToken(),
                    padding.left()));
        }
        return out;
    }

    private Encoding encodeUnpadded(String text, String pair, boolean addSpecialTokens, int textIndex) {
        Encoding a = encodeSequence(surrogates.apply(text, textIndex), 0);
        Encoding b = pair == null ? null : encodeSequence(surrogates.apply(pair, textIndex), 1);
        if (truncation != null) {
            Encoding[] cut = truncation.apply(a, b, room(b != null, addSpecialTokens));
            a = cut[0];
            b = cut[1];
        }
        return postProcess(a, b, addSpecialTokens);
    }

    /** Tokens truncation leaves for the text(s): the max length minus the special tokens the post-processor adds. */
    private int room(boolean pair, boolean addSpecialTokens) {
        int reserved = addSpecialTokens && postProcessor != null ? postProcessor.addedTokens(pair) : 0;
        if (truncation.maxLength() < reserved) {
            throw new IllegalArgumentException("truncation max length " + truncation.maxLength()
                    + " leaves no room for the " + reserved + " special tokens the post-processor adds");
        }
        return truncation.maxLength() - reserved;
    }

    private Encoding overflowing(Encoding a, boolean aWindow, Encoding b, boolean bWindow, boolean addSpecialTokens) {
        return postProcessor == null ? PostProcessor.concat(a, b)
                : postProcessor.processOverflowing(a, aWindow, b, bWindow, addSpecialTokens);
    }

    private Encoding postProcess(Encoding a, Encoding b, boolean addSpecialTokens) {
        return postProcessor == null ? PostProcessor.concat(a, b) : postProcessor.process(a, b, addSpecialTokens);
    }

    /** Added tokens, normalizer, pre-tokenizer and model over one text; offsets in code points of that text. */
    private Encoding encodeSequence(String text, int typeId) {
        PreTokenizedString pts = added.extractAndNormalize(text, normalizer);
        if (preTokenizer != null) {
            preTokenizer.preTokenize(pts);
        }
        List<PreTokenizedString.Split> splits = pts.splits();
        List<Token> all = new ArrayList<>();
        List<int[]> wordAndOffsets = new ArrayList<>();
        int[] cpIndex = codePointIndex(text);
        for (int w = 0; w < splits.size(); w++) {
            PreTokenizedString.Split s = splits.get(w);
            List<Token> tokens = s.tokens != null ? s.tokens : model.tokenize(s.normalized.get());
            for (Token t : tokens) {
                int[] r = s.normalized.originalRange(t.start(), t.end());
                int start = cpIndex == null ? r[0] : cpIndex[r[0]];
                int end = cpIndex == null ? r[1] : cpIndex[r[1]];
                all.add(t);
                wordAndOffsets.add(new int[] {w, start, end});
            }
        }
        int n = all.size();
        int[] ids = new int[n];
        int[] types = new int[n];
        String[] toks = new String[n];
        int[] words = new int[n];
        int[] seqs = new int[n];
        int[] os = new int[n];
        int[] oe = new int[n];
        int[] special = new int[n];
        int[] attention = new int[n];
        for (int i = 0; i < n; i++) {
            Token t = all.get(i);
            int[] wo = wordAndOffsets.get(i);
            ids[i] = t.id();
            types[i] = typeId;
            toks[i] = t.value();
            words[i] = wo[0];
            seqs[i] = typeId;
            os[i] = wo[1];
            oe[i] = wo[2];
            attention[i] = 1;
        }
        return new Encoding(ids, types, toks, words, seqs, os, oe, special, attention);
    }

    /** For texts with surrogate pairs: UTF-16 index to code point index; null when they coincide. */
    private static int[] codePointIndex(String text) {
        int n = text.length();
        boolean any = false;
        for (int i = 0; i < n; i++) {
            if (Character.isHighSurrogate(text.charAt(i))) {
                any = true;
                break;
            }
        }
        if (!any) {
            return null;
        }
        int[] idx = new int[n + 1];
        int cp = 0;
        for (int i = 0; i < n; i++) {
            idx[i] = cp;
            if (!(Character.isLowSurrogate(text.charAt(i)) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) {
                cp++;
            } else {
                idx[i] = cp;
            }
        }
        idx[n] = cp;
        return idx;
    }

    /** The id of a token string (added tokens first, then the model's vocabulary), or -1. */
    public int tokenToId(String token) {
        int id = added.tokenToId(token);
        return id >= 0 ? id : model.vocabulary().tokenToId(token);
    }

    /** The token string of an id, or null. */
    public String idToToken(int id) {
        String t = added.idToToken(id);
        return t != null ? t : model.vocabulary().idToToken(id);
    }

    /** Turns ids back into text with the file's decoder (tokens joined by spaces when it has none). */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String t = idToToken(id);
            if (t == null || (skipSpecialTokens && added.isSpecial(id))) {
                continue;
            }
            tokens.add(t);
        }
        if (decoder == null) {
            return String.join(" ", tokens);
        }
        return String.join("", decoder.decodeChain(tokens));
    }
}
