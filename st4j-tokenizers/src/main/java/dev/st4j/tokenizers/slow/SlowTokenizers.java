package dev.st4j.tokenizers.slow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.tokenizers.TokenizerFormatException;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folders without {@code tokenizer.json}: builds the tokenizer.json that transformers' converters
 * ({@code convert_slow_tokenizer.py}) build from the slow-tokenizer files, so the same pipeline runs on it.
 * <ul>
 *   <li>{@code vocab.txt}: WordPiece with BERT's normalizer settings ({@code do_lower_case},
 *       {@code tokenize_chinese_chars}, {@code strip_accents}), {@code [CLS] $A [SEP]}; MPNet's
 *       {@code <s> $A </s> </s> $B </s>};</li>
 *   <li>{@code vocab.json} + {@code merges.txt}: byte-level BPE, RoBERTa's {@code <s> $A </s>} (with
 *       {@code add_prefix_space}, {@code trim_offsets}) or GPT-2's plain one;</li>
 *   <li>{@code sentencepiece.bpe.model} / {@code spiece.model}: SentencePiece unigram with its precompiled
 *       normalizer and Metaspace, in XLM-RoBERTa's fairseq id order or T5's (with its extra ids).</li>
 * </ul>
 * The shape is the one the converters wrote for the hub's tokenizer.json files of these models
 * (SentencePiece: Precompiled, then WhitespaceSplit and Metaspace). Only data files are read, never code.
 */
public final class SlowTokenizers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Slow-tokenizer files st4j reads when a folder has no tokenizer.json (with the two config files). */
    public static final List<String> FILES = List.of("vocab.txt", "vocab.json", "merges.txt",
            "sentencepiece.bpe.model", "spiece.model", "added_tokens.json");

    private SlowTokenizers() {}

    /** The converter families: the file they read, and the tokenizer classes and model types that use them. */
    enum Family {
        BERT("vocab.txt", List.of("BertTokenizer", "DistilBertTokenizer", "ElectraTokenizer", "MobileBertTokenizer",
                "SqueezeBertTokenizer", "LayoutLMTokenizer"),
                List.of("bert", "distilbert", "electra", "mobilebert", "squeezebert", "layoutlm")),
        MPNET("vocab.txt", List.of("MPNetTokenizer"), List.of("mpnet")),
        ROBERTA("vocab.json", List.of("RobertaTokenizer", "LongformerTokenizer"), List.of("roberta", "longformer")),
        GPT2("vocab.json", List.of("GPT2Tokenizer"), List.of("gpt2")),
        XLM_ROBERTA("sentencepiece.bpe.model", List.of("XLMRobertaTokenizer"), List.of("xlm-roberta")),
        T5("spiece.model", List.of("T5Tokenizer", "MT5Tokenizer"), List.of("t5", "mt5"));

        final String vocabFile;
        final List<String> classes;
        final List<String> modelTypes;

        Family(String vocabFile, List<String> classes, List<String> modelTypes) {
            this.vocabFile = vocabFile;
            this.classes = classes;
            this.modelTypes = modelTypes;
        }

        String className() {
            return classes.get(0);
        }

        static Family find(String name, boolean byClass) {
            for (Family f : values()) {
                if ((byClass ? f.classes : f.modelTypes).contains(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** Whether {@code folder} holds the vocabulary file of some converter (and so may load without tokenizer.json). */
    public static boolean present(Path folder) {
        for (String f : List.of("vocab.txt", "vocab.json", "sentencepiece.bpe.model", "spiece.model")) {
            if (Files.isRegularFile(folder.resolve(f))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tokenizer.json transformers' converter builds for the slow-tokenizer files in {@code folder}.
     *
     * @throws UnsupportedFeatureException for a tokenizer class or SentencePiece model type st4j cannot convert
     * @throws TokenizerFormatException for missing or malformed files
     */
    public static ObjectNode toTokenizerJson(Path folder) throws IOException {
        JsonNode tokCfg = readJson(folder.resolve("tokenizer_config.json"));
        JsonNode specialMap = readJson(folder.resolve("special_tokens_map.json"));
        TokenizerConfig cfg = new TokenizerConfig(tokCfg, specialMap);
        Family family = family(folder, cfg);
        Path vocabFile = folder.resolve(family.vocabFile);
        if (!Files.isRegularFile(vocabFile)) {
            throw new TokenizerFormatException(folder + " has no tokenizer.json and no " + family.vocabFile
                    + ", the file a " + family.className() + " is built from");
        }
        Map<String, Integer> addedFile = new LinkedHashMap<>();
        JsonNode addedJson = readJson(folder.resolve("added_tokens.json"));
        if (addedJson != null) {
            addedJson.fields().forEachRemaining(e -> addedFile.put(e.getKey(), e.getValue().asInt()));
        }
        return switch (family) {
            case BERT, MPNET -> wordPiece(folder, family, cfg, addedFile);
            case ROBERTA, GPT2 -> byteLevel(folder, family, cfg, addedFile);
            case XLM_ROBERTA, T5 -> sentencePiece(vocabFile, family, cfg, addedFile);
        };
    }

    /** tokenizer_config.json's {@code tokenizer_class}, else config.json's {@code model_type}, else the files. */
    static Family family(Path folder, TokenizerConfig cfg) throws IOException {
        String converts = "st4j converts the slow files of the BERT (DistilBERT, ELECTRA, ...), MPNet, RoBERTa, GPT-2, "
                + "XLM-RoBERTa and T5 tokenizers; save the model with a fast tokenizer to get a tokenizer.json";
        JsonNode cls = cfg.get("tokenizer_class");
        if (cls != null) {
            String name = cls.asText();
            Family f = Family.find(name.endsWith("Fast") ? name.substring(0, name.length() - 4) : name, true);
            if (f == null) {
                throw new UnsupportedFeatureException("tokenizer_config.json", "tokenizer_class \"" + name
                        + "\" without a tokenizer.json (" + converts + ")");
            }
            return f;
        }
        JsonNode config = readJson(folder.resolve("config.json"));
        String type = config == null ? null : config.path("model_type").asText(null);
        if (type != null) {
            Family f = Family.find(type.toLowerCase(Locale.ROOT), false);
            if (f == null) {
                throw new UnsupportedFeatureException("config.json", "model_type \"" + type
                        + "\" without a tokenizer.json (" + converts + ")");
            }
            return f;
        }
        if (Files.isRegularFile(folder.resolve("vocab.txt"))) {
            return Family.BERT;
        }
        throw new TokenizerFormatException(folder + " has no tokenizer.json, and neither tokenizer_config.json's "
                + "tokenizer_class nor config.json's model_type says which tokenizer its files are for");
    }

    // ---- WordPiece (BertConverter, MPNetConverter) ----

    private static ObjectNode wordPiece(Path folder, Family family, TokenizerConfig cfg,
            Map<String, Integer> addedFile) throws IOException {
        Map<String, Integer> vocab = readVocabTxt(folder.resolve("vocab.txt"));
        boolean mpnet = family == Family.MPNET;
        Specials sp = new Specials(cfg, vocab, addedFile);
        TokenizerConfig.Special unk = sp.add(cfg.special("unk_token", "[UNK]", false));
        TokenizerConfig.Special cls = sp.add(cfg.special("cls_token", mpnet ? "<s>" : "[CLS]", false));
        TokenizerConfig.Special sep = sp.add(cfg.special("sep_token", mpnet ? "</s>" : "[SEP]", false));
        sp.add(cfg.special("pad_token", mpnet ? "<pad>" : "[PAD]", false));
        sp.add(cfg.special("mask_token", mpnet ? "<mask>" : "[MASK]", mpnet));
        if (mpnet) {
            sp.add(cfg.special("bos_token", "<s>", false));
            sp.add(cfg.special("eos_token", "</s>", false));
        }
        require(unk, "unk_token", "tokenizer_config.json");
        require(cls, "cls_token", "tokenizer_config.json");
        require(sep, "sep_token", "tokenizer_config.json");

        // Python's BertTokenizer: the basic tokenizer (and so these settings) only with do_basic_tokenize.
        boolean basic = cfg.bool("do_basic_tokenize", true);
        ObjectNode root = root();
        ObjectNode normalizer = root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", basic && cfg.bool("tokenize_chinese_chars", true));
        JsonNode strip = cfg.get("strip_accents");
        if (!basic) {
            normalizer.put("strip_accents", false);
        } else if (strip == null) {
            normalizer.putNull("strip_accents");
        } else {
            normalizer.put("strip_accents", strip.asBoolean());
        }
        normalizer.put("lowercase", basic && cfg.bool("do_lower_case", true));
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode model = root.putObject("model").put("type", "WordPiece").put("unk_token", unk.content())
                .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        String c = cls.content();
        String s = sep.content();
        root.set("post_processor", template(c + ":0 $A:0 " + s + ":0",
                mpnet ? c + ":0 $A:0 " + s + ":0 " + s + ":0 $B:1 " + s + ":1" : c + ":0 $A:0 " + s + ":0 $B:1 " + s + ":1",
                sp, c, s));
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        root.set("added_tokens", sp.json(cfg));
        return root;
    }

    /** BERT's load_vocab: one token per line (the newline removed), ids in line order, a repeated token's last id. */
    static Map<String, Integer> readVocabTxt(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        int id = 0;
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            vocab.put(text.substring(start, end), id++);
            start = end + 1;
        }
        if (vocab.isEmpty()) {
            throw new TokenizerFormatException(file + " is empty: a WordPiece vocabulary needs one token per line");
        }
        return vocab;
    }

    // ---- Byte-level BPE (RobertaConverter, GPT2Converter) ----

    private static ObjectNode byteLevel(Path folder, Family family, TokenizerConfig cfg,
            Map<String, Integer> addedFile) throws IOException {
        Path vocabFile = folder.resolve("vocab.json");
        Path mergesFile = folder.resolve("merges.txt");
        if (!Files.isRegularFile(mergesFile)) {
            throw new TokenizerFormatException(folder + " has vocab.json but no merges.txt: byte-level BPE needs both"
                    + " (or a tokenizer.json)");
        }
        JsonNode vocabJson = readJson(vocabFile);
        if (vocabJson == null || !vocabJson.isObject()) {
            throw new TokenizerFormatException(vocabFile + " must be a JSON object of token to id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocabJson.fields().forEachRemaining(e -> {
            if (!e.getValue().canConvertToInt()) {
                throw new TokenizerFormatException(vocabFile + ": the id of \"" + e.getKey() + "\" is not an integer");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        });
        boolean roberta = family == Family.ROBERTA;
        Specials sp = new Specials(cfg, vocab, addedFile);
        TokenizerConfig.Special cls = null;
        TokenizerConfig.Special sep = null;
        if (roberta) {
            sp.add(cfg.special("bos_token", "<s>", false));
            sp.add(cfg.special("pad_token", "<pad>", false));
            sep = sp.add(cfg.special("sep_token", "</s>", false));
            sp.add(cfg.special("eos_token", "</s>", false));
            sp.add(cfg.special("unk_token", "<unk>", false));
            cls = sp.add(cfg.special("cls_token", "<s>", false));
            sp.add(cfg.special("mask_token", "<mask>", true));
            require(cls, "cls_token", "tokenizer_config.json");
            require(sep, "sep_token", "tokenizer_config.json");
        } else {
            sp.add(cfg.special("bos_token", "<|endoftext|>", false));
            sp.add(cfg.special("eos_token", "<|endoftext|>", false));
            sp.add(cfg.special("unk_token", "<|endoftext|>", false));
            sp.add(cfg.special("pad_token", null, false));
        }
        boolean prefixSpace = cfg.bool("add_prefix_space", false);
        ObjectNode root = root();
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", prefixSpace)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").putNull("unk_token")
                .put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false)
                .put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.set("merges", readMerges(mergesFile));
        if (roberta) {
            ObjectNode post = root.putObject("post_processor").put("type", "RobertaProcessing");
            post.putArray("sep").add(sep.content()).add(sp.id(sep.content()));
            post.putArray("cls").add(cls.content()).add(sp.id(cls.content()));
            post.put("trim_offsets", cfg.bool("trim_offsets", true)).put("add_prefix_space", prefixSpace);
        } else if (cfg.bool("add_bos_token", false)) {
            TokenizerConfig.Special bos = require(cfg.special("bos_token", "<|endoftext|>", false), "bos_token",
                    "tokenizer_config.json");
            root.set("post_processor", template(bos.content() + ":0 $A:0", bos.content() + ":0 $A:0 $B:1", sp,
                    bos.content()));
        } else {
            root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", true)
                    .put("trim_offsets", false).put("use_regex", true);
        }
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        root.set("added_tokens", sp.json(cfg));
        return root;
    }

    /** merges.txt: "a b" per line in rank order, the {@code #version} header line skipped. */
    static ArrayNode readMerges(Path file) throws IOException {
        ArrayNode out = MAPPER.createArrayNode();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("#version")) {
                continue;
            }
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length != 2) {
                throw new TokenizerFormatException(file + " line " + (i + 1) + " is not two tokens separated by a"
                        + " space: \"" + line + "\"");
            }
            out.add(parts[0] + " " + parts[1]);
        }
        return out;
    }

    // ---- SentencePiece (XLMRobertaConverter, T5Converter) ----

    private static ObjectNode sentencePiece(Path file, Family family, TokenizerConfig cfg,
            Map<String, Integer> addedFile) throws IOException {
        String name = file.getFileName().toString();
        SentencePieceModel spm = SentencePieceModel.parse(Files.readAllBytes(file), name);
        if (spm.modelType() != SentencePieceModel.UNIGRAM) {
            throw new UnsupportedFeatureException(name, "a SentencePiece model of trainer_spec.model_type "
                    + spm.modelType() + (spm.modelType() == SentencePieceModel.BPE ? " (BPE)" : "")
                    + " for " + family.className() + ", which transformers converts only from unigram models");
        }
        List<SentencePieceModel.Piece> pieces = spm.pieces();
        List<String> tokens = new ArrayList<>(pieces.size() + 101);
        List<Double> scores = new ArrayList<>(pieces.size() + 101);
        int unkId;
        if (family == Family.XLM_ROBERTA) {
            // fairseq's dictionary: four specials, then SentencePiece's pieces from id 3 on (one id higher), <mask> last.
            for (String s : List.of("<s>", "<pad>", "</s>", "<unk>")) {
                tokens.add(s);
                scores.add(0.0);
            }
            for (int i = 3; i < pieces.size(); i++) {
                tokens.add(pieces.get(i).piece());
                scores.add((double) pieces.get(i).score());
            }
            tokens.add("<mask>");
            scores.add(0.0);
            unkId = 3;
        } else {
            for (SentencePieceModel.Piece p : pieces) {
                tokens.add(p.piece());
                scores.add((double) p.score());
            }
            int extra = cfg.integer("extra_ids", 100);
            for (int i = extra - 1; i >= 0; i--) {
                tokens.add("<extra_id_" + i + ">");
                scores.add(0.0);
            }
            unkId = spm.unkId();
        }
        if (unkId < 0 || unkId >= tokens.size()) {
            throw new TokenizerFormatException(name + ": trainer_spec.unk_id " + unkId + " is outside the "
                    + tokens.size() + " pieces");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.putIfAbsent(tokens.get(i), i);
        }
        Specials sp = new Specials(cfg, vocab, addedFile);
        TokenizerConfig.Special bos = null;
        TokenizerConfig.Special eos;
        if (family == Family.XLM_ROBERTA) {
            bos = sp.add(cfg.special("bos_token", "<s>", false));
            sp.add(cfg.special("pad_token", "<pad>", false));
            eos = sp.add(cfg.special("eos_token", "</s>", false));
            sp.add(cfg.special("unk_token", "<unk>", false));
            sp.add(cfg.special("sep_token", "</s>", false));
            sp.add(cfg.special("cls_token", "<s>", false));
            sp.add(cfg.special("mask_token", "<mask>", true));
        } else {
            sp.add(cfg.special("pad_token", "<pad>", false));
            eos = sp.add(cfg.special("eos_token", "</s>", false));
            sp.add(cfg.special("unk_token", "<unk>", false));
            int extra = cfg.integer("extra_ids", 100);
            if (cfg.additionalSpecialTokens() == null) {
                for (int i = extra - 1; i >= 0; i--) {
                    sp.add(new TokenizerConfig.Special("<extra_id_" + i + ">", false, false, false));
                }
            }
        }
        // Control and user-defined pieces are added tokens (control ones special), matched before the model runs.
        for (SentencePieceModel.Piece p : pieces) {
            if ((p.type() == SentencePieceModel.Piece.CONTROL || p.type() == SentencePieceModel.Piece.USER_DEFINED)
                    && vocab.containsKey(p.piece())) {
                sp.addPiece(p.piece(), p.type() == SentencePieceModel.Piece.CONTROL);
            }
        }
        require(eos, "eos_token", "tokenizer_config.json");
        ObjectNode root = root();
        if (spm.precompiledCharsmap().length == 0) {
            root.putNull("normalizer");
        } else {
            root.putObject("normalizer").put("type", "Precompiled")
                    .put("precompiled_charsmap", Base64.getEncoder().encodeToString(spm.precompiledCharsmap()));
        }
        boolean prefixSpace = cfg.bool("add_prefix_space", true);
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode list = pre.putArray("pretokenizers");
        list.addObject().put("type", "WhitespaceSplit");
        list.add(metaspace(prefixSpace, cfg.bool("legacy", true)));
        ObjectNode model = root.putObject("model").put("type", "Unigram").put("unk_id", unkId);
        ArrayNode v = model.putArray("vocab");
        for (int i = 0; i < tokens.size(); i++) {
            v.addArray().add(tokens.get(i)).add(scores.get(i));
        }
        model.put("byte_fallback", false);
        String e = eos.content();
        if (family == Family.XLM_ROBERTA) {
            require(bos, "bos_token", "tokenizer_config.json");
            String b = bos.content();
            root.set("post_processor", template(b + ":0 $A:0 " + e + ":0",
                    b + ":0 $A:0 " + e + ":0 " + e + ":0 $B:0 " + e + ":0", sp, b, e));
        } else {
            root.set("post_processor", template("$A:0 " + e + ":0", "$A:0 " + e + ":0 $B:0 " + e + ":0", sp, e));
        }
        root.set("decoder", metaspace(prefixSpace, cfg.bool("legacy", true)));
        root.set("added_tokens", sp.json(cfg));
        return root;
    }

    /** The Metaspace pre-tokenizer (and decoder): a prefix space always, or (legacy: false) for the first word only. */
    private static ObjectNode metaspace(boolean prefixSpace, boolean legacy) {
        ObjectNode m = MAPPER.createObjectNode().put("type", "Metaspace").put("replacement", "\u2581");
        if (prefixSpace && !legacy) {
            m.put("prepend_scheme", "first").put("split", true);
        } else {
            m.put("add_prefix_space", prefixSpace);
        }
        return m;
    }

    // ---- shared ----

    private static ObjectNode root() {
        ObjectNode root = MAPPER.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        return root;
    }

    private static TokenizerConfig.Special require(TokenizerConfig.Special s, String key, String file) {
        if (s == null) {
            throw new TokenizerFormatException(file + " sets " + key + " to null, but the tokenizer's template needs"
                    + " it");
        }
        return s;
    }

    /** A TemplateProcessing from the converters' strings ("[CLS]:0 $A:0 [SEP]:0"). */
    private static ObjectNode template(String single, String pair, Specials sp, String... specials) {
        ObjectNode t = MAPPER.createObjectNode().put("type", "TemplateProcessing");
        t.set("single", pieces(single));
        t.set("pair", pieces(pair));
        ObjectNode st = t.putObject("special_tokens");
        for (String s : specials) {
            ObjectNode e = st.putObject(s).put("id", s);
            e.putArray("ids").add(sp.id(s));
            e.putArray("tokens").add(s);
        }
        return t;
    }

    private static ArrayNode pieces(String spec) {
        ArrayNode out = MAPPER.createArrayNode();
        for (String p : spec.split(" ")) {
            int colon = p.lastIndexOf(':');
            String id = p.substring(0, colon);
            int type = Integer.parseInt(p.substring(colon + 1));
            if (id.equals("$A") || id.equals("$B")) {
                out.addObject().putObject("Sequence").put("id", id.substring(1)).put("type_id", type);
            } else {
                out.addObject().putObject("SpecialToken").put("id", id).put("type_id", type);
            }
        }
        return out;
    }

    private static JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return MAPPER.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TokenizerFormatException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The added tokens the fast tokenizer gets from its slow one: {@code added_tokens_decoder} of
     * tokenizer_config.json when it has one (newer files list every added token there), else the special tokens,
     * {@code additional_special_tokens} and {@code added_tokens.json}. Ids come from the vocabulary, then
     * added_tokens.json, then the next free id.
     */
    private static final class Specials {
        private record Added(String content, int id, boolean special, boolean lstrip, boolean rstrip,
                boolean singleWord, boolean normalized) {}

        private final Map<String, Integer> vocab;
        private final Map<String, Integer> addedFile;
        private final Map<String, Added> byContent = new LinkedHashMap<>();
        private int nextId;

        Specials(TokenizerConfig cfg, Map<String, Integer> vocab, Map<String, Integer> addedFile) {
            this.vocab = vocab;
            this.addedFile = addedFile;
            int max = -1;
            for (int id : vocab.values()) {
                max = Math.max(max, id);
            }
            for (int id : addedFile.values()) {
                max = Math.max(max, id);
            }
            this.nextId = max + 1;
            JsonNode extra = cfg.additionalSpecialTokens();
            if (extra != null) {
                for (JsonNode t : extra) {
                    add(TokenizerConfig.special(t, false));
                }
            }
            addedFile.forEach((content, id) -> byContent.putIfAbsent(content,
                    new Added(content, id, false, false, false, false, true)));
        }

        /** Adds a special token (unless already there); returns it. */
        TokenizerConfig.Special add(TokenizerConfig.Special s) {
            if (s != null) {
                byContent.merge(s.content(), new Added(s.content(), id(s.content()), true, s.lstrip(), s.rstrip(),
                        s.singleWord(), false), (old, neu) -> old.special() ? old : neu);
            }
            return s;
        }

        void addPiece(String content, boolean special) {
            byContent.putIfAbsent(content, new Added(content, id(content), special, false, false, false, false));
        }

        /** The id of a token: vocabulary, added_tokens.json, an added token, else the next free id. */
        int id(String content) {
            Integer id = vocab.get(content);
            if (id == null) {
                id = addedFile.get(content);
            }
            if (id == null && byContent.containsKey(content)) {
                id = byContent.get(content).id();
            }
            return id != null ? id : nextId++;
        }

        ArrayNode json(TokenizerConfig cfg) {
            ArrayNode out = MAPPER.createArrayNode();
            JsonNode decoder = cfg.get("added_tokens_decoder");
            if (decoder != null && decoder.isObject() && decoder.size() > 0) {
                TreeMap<Integer, JsonNode> sorted = new TreeMap<>();
                decoder.fields().forEachRemaining(e -> {
                    try {
                        sorted.put(Integer.parseInt(e.getKey()), e.getValue());
                    } catch (NumberFormatException bad) {
                        throw new TokenizerFormatException("tokenizer_config.json: added_tokens_decoder key \""
                                + e.getKey() + "\" is not a token id");
                    }
                });
                sorted.forEach((id, t) -> {
                    boolean special = t.path("special").asBoolean(false);
                    out.addObject().put("id", id).put("content", t.path("content").asText())
                            .put("single_word", t.path("single_word").asBoolean(false))
                            .put("lstrip", t.path("lstrip").asBoolean(false))
                            .put("rstrip", t.path("rstrip").asBoolean(false))
                            .put("normalized", t.path("normalized").asBoolean(!special)).put("special", special);
                });
                return out;
            }
            byContent.values().stream().sorted(Comparator.comparingInt(Added::id)).forEach(a -> out.addObject()
                    .put("id", a.id()).put("content", a.content()).put("single_word", a.singleWord())
                    .put("lstrip", a.lstrip()).put("rstrip", a.rstrip()).put("normalized", a.normalized())
                    .put("special", a.special()));
            return out;
        }
    }
}
