package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.pipeline.ModuleContext;
import dev.st4j.internal.pipeline.ModuleType;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import dev.st4j.internal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A word-vector table (GloVe-style average word embedding models): each whitespace-separated word found in the
 * vocabulary becomes its row of the table, as token embeddings for a Pooling module after it.
 *
 * <p>Files: {@code wordembedding_config.json} ({@code tokenizer_class}, {@code update_embeddings},
 * {@code max_seq_length}), {@code whitespacetokenizer_config.json} ({@code vocab}, {@code stop_words},
 * {@code do_lower_case}) and {@code model.safetensors} ({@code emb_layer.weight}, {@code [vocab, dim]}).
 * Tokenization follows Python's {@code WhitespaceTokenizer}: optional lowercasing, split on whitespace, stop words
 * dropped, a word not in the vocabulary tried again without surrounding punctuation, then lowercased.
 */
public final class WordEmbeddings implements InputModule {
    static final String CONFIG = "wordembedding_config.json";
    static final String TOKENIZER_CONFIG = "whitespacetokenizer_config.json";
    public static final ModuleType TYPE = new ModuleType("WordEmbeddings",
            List.of(CONFIG, TOKENIZER_CONFIG, SafetensorsFile.FILE_NAME), List.of(), WordEmbeddings::load);
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private final Map<String, Integer> wordToId;
    private final List<String> vocab;
    private final Set<String> stopWords;
    private final boolean lowerCase;
    private final int maxSeqLength;
    private final float[] table;
    private final int dim;

    private WordEmbeddings(List<String> vocab, Set<String> stopWords, boolean lowerCase, int maxSeqLength,
            float[] table, int dim) {
        this.vocab = List.copyOf(vocab);
        this.wordToId = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            wordToId.putIfAbsent(vocab.get(i), i);
        }
        this.stopWords = Set.copyOf(stopWords);
        this.lowerCase = lowerCase;
        this.maxSeqLength = maxSeqLength;
        this.table = table;
        this.dim = dim;
    }

    static WordEmbeddings load(ModuleContext c) {
        Path cfgFile = c.file(CONFIG);
        JsonNode cfg = ModelFolder.readJsonObject(cfgFile);
        String tokenizerClass = cfg.path("tokenizer_class").asText("");
        if (!tokenizerClass.endsWith(".WhitespaceTokenizer")) {
            throw new UnsupportedModelException(cfgFile + ": \"tokenizer_class\" is '" + tokenizerClass
                    + "'; st4j runs WordEmbeddings with the WhitespaceTokenizer only");
        }
        Path tokFile = c.file(TOKENIZER_CONFIG);
        JsonNode tok = ModelFolder.readJsonObject(tokFile);
        if (!tok.path("vocab").isArray()) {
            throw new ModelFormatException(tokFile, "needs \"vocab\": the list of words, in table row order");
        }
        List<String> vocab = new ArrayList<>();
        tok.get("vocab").forEach(w -> vocab.add(w.asText()));
        Set<String> stop = new LinkedHashSet<>();
        tok.path("stop_words").forEach(w -> stop.add(w.asText()));
        SafetensorsFile weights = SafetensorsFile.open(c.dir());
        Tensor t = weights.find("emb_layer.weight").orElseThrow(() -> new ModelFormatException(weights.source(),
                "no 'emb_layer.weight' tensor; WordEmbeddings needs its [vocab, dim] table"));
        if (t.shape().length != 2 || t.shape()[0] != vocab.size()) {
            throw new ModelFormatException(weights.source(), "'emb_layer.weight' has shape " + t.shapeString()
                    + ", expected [" + vocab.size() + ", dim] for the " + vocab.size() + " words of "
                    + TOKENIZER_CONFIG);
        }
        int max = cfg.path("max_seq_length").asInt(1_000_000);
        return new WordEmbeddings(vocab, stop, tok.path("do_lower_case").asBoolean(false), max,
                t.toFloatArray(), (int) t.shape()[1]);
    }

    /** The vocabulary, in table row order (WordWeights indexes its weights the same way). */
    List<String> vocab() {
        return vocab;
    }

    /** Python's {@code WhitespaceTokenizer.tokenize}: the ids of the words it keeps. */
    List<Integer> wordIds(String text) {
        String t = lowerCase ? text.toLowerCase(Locale.ROOT) : text;
        List<Integer> out = new ArrayList<>();
        for (String token : t.strip().split("(?U)\\s+")) {
            if (token.isEmpty() || stopWords.contains(token)) {
                continue;
            }
            if (wordToId.containsKey(token)) {
                out.add(wordToId.get(token));
                continue;
            }
            token = stripPunctuation(token);
            if (stopWords.contains(token)) {
                continue;
            }
            if (!token.isEmpty() && wordToId.containsKey(token)) {
                out.add(wordToId.get(token));
                continue;
            }
            token = token.toLowerCase(Locale.ROOT);
            if (stopWords.contains(token)) {
                continue;
            }
            if (wordToId.containsKey(token)) {
                out.add(wordToId.get(token));
            }
        }
        return out;
    }

    private static String stripPunctuation(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && PUNCTUATION.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && PUNCTUATION.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }

    @Override
    public List<TextTokenizer.Encoded> encodeTexts(List<String> texts) {
        List<TextTokenizer.Encoded> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            List<Integer> ids = wordIds(text);
            long[] l = ids.stream().mapToLong(Integer::longValue).toArray();
            String[] words = ids.stream().map(vocab::get).toArray(String[]::new);
            out.add(new TextTokenizer.Encoded(l, new long[l.length], new long[l.length], words));
        }
        return out;
    }

    @Override
    public List<TextTokenizer.Encoded> encodePairs(List<String> first, List<String> second) {
        throw new UnsupportedModelException("WordEmbeddings encodes single texts, not pairs");
    }

    @Override
    public TokenBatch pad(List<TextTokenizer.Encoded> rows) {
        int b = rows.size();
        int seq = rows.stream().mapToInt(TextTokenizer.Encoded::length).max().orElse(0);
        long[] ids = new long[b * seq];
        long[] mask = new long[b * seq];
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            long[] e = rows.get(r).ids();
            lengths[r] = e.length;
            System.arraycopy(e, 0, ids, r * seq, e.length);
            java.util.Arrays.fill(mask, r * seq, r * seq + e.length, 1L);
        }
        return new TokenBatch(b, seq, ids, mask, new long[b * seq], lengths);
    }

    @Override
    public int promptLength(String prompt) {
        return wordIds(prompt).size();
    }

    @Override
    public boolean padsLeft() {
        return false;
    }

    @Override
    public TextTokenizer tokenizer() {
        throw new UnsupportedModelException("a WordEmbeddings model splits words on whitespace; it has no "
                + "Hugging Face tokenizer");
    }

    @Override
    public int maxSeqLength() {
        return maxSeqLength;
    }

    @Override
    public void setMaxSeqLength(int length) {
        throw new UnsupportedModelException("a WordEmbeddings model does not truncate; it has no max sequence "
                + "length to set");
    }

    @Override
    public void forward(Features f) {
        TokenBatch batch = f.batch();
        long[] ids = batch.inputIds();
        float[] out = new float[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(table, (int) ids[i] * dim, out, i * dim, dim);
        }
        f.setTokenEmbeddings(out, dim);
    }

    @Override
    public void save(Path dir) throws IOException {
        ObjectNode cfg = ModelFolder.mapper().createObjectNode()
                .put("tokenizer_class", "sentence_transformers.models.tokenizer.WhitespaceTokenizer.WhitespaceTokenizer")
                .put("update_embeddings", false).put("max_seq_length", maxSeqLength);
        ModelFolder.writeJson(dir.resolve(CONFIG), cfg, 4);
        ObjectNode tok = ModelFolder.mapper().createObjectNode();
        vocab.forEach(tok.putArray("vocab")::add);
        stopWords.forEach(tok.putArray("stop_words")::add);
        tok.put("do_lower_case", lowerCase);
        ModelFolder.writeJson(dir.resolve(TOKENIZER_CONFIG), tok, 4);
        ModelFolder.writeAtomically(dir.resolve(SafetensorsFile.FILE_NAME), tmp -> SafetensorsWriter.write(tmp,
                Map.of("emb_layer.weight", new SafetensorsWriter.Entry(new long[] {vocab.size(), dim}, table)),
                DType.F32));
    }

    @Override
    public String describeBackend() {
        return "word embedding table (" + vocab.size() + " x " + dim + ")";
    }

    @Override
    public String typeName() {
        return "WordEmbeddings";
    }

    @Override
    public int outputDimension() {
        return dim;
    }

    @Override
    public String describe() {
        return "WordEmbeddings(" + vocab.size() + " x " + dim + ")";
    }
}
