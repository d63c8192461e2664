package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.model.ModelFolder;
import dev.st4j.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Hugging Face network and its tokenizer: texts in, {@code token_embeddings} out. Its folder holds
 * {@code config.json}, the tokenizer files, {@code sentence_bert_config.json} and the weights.
 */
public final class Transformer implements InputModule {
    /** Names sentence-transformers tries for the module config, in order. */
    private static final String[] CONFIG_NAMES = {
        "sentence_bert_config.json", "sentence_roberta_config.json", "sentence_distilbert_config.json",
        "sentence_camembert_config.json", "sentence_albert_config.json", "sentence_xlm-roberta_config.json",
        "sentence_xlnet_config.json",
    };

    private final Path folder;
    private final TextTokenizer tokenizer;
    private final TransformerBackend backend;
    private final int hiddenSize;
    private final boolean doLowerCase;

    private Transformer(Path folder, TextTokenizer tokenizer, TransformerBackend backend, int hiddenSize,
            boolean doLowerCase) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.backend = backend;
        this.hiddenSize = hiddenSize;
        this.doLowerCase = doLowerCase;
    }

    /**
     * Loads the module in {@code folder}. The max sequence length is {@code max_seq_length} from the module config
     * when present (uncapped, as in sentence-transformers), else {@code min(model_max_length,
     * max_position_embeddings)}; the truncation block inside {@code tokenizer.json} is ignored.
     */
    public static Transformer load(Path folder, String backendName, BackendOptions options) {
        JsonNode stConfig = moduleConfig(folder).orElse(null);
        Path configFile = folder.resolve("config.json");
        JsonNode hfConfig = ModelFolder.readJsonObject(configFile);
        boolean lower = stConfig != null && stConfig.path("do_lower_case").asBoolean(false);
        int maxLength = effectiveMaxLength(folder, stConfig, hfConfig);
        TextTokenizer tokenizer = TextTokenizer.load(folder, lower, maxLength);
        TransformerBackend backend;
        try {
            backend = Backends.open(folder, hfConfig, backendName, options);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        int hidden = hfConfig.path("hidden_size").asInt(backend.hiddenSize());
        return new Transformer(folder, tokenizer, backend, hidden, lower);
    }

    private static Optional<JsonNode> moduleConfig(Path folder) {
        for (String name : CONFIG_NAMES) {
            Optional<JsonNode> node = ModelFolder.readJsonIfExists(folder.resolve(name));
            if (node.isPresent() && !node.get().isEmpty()) {
                if (!node.get().isObject()) {
                    throw new ModelFormatException(folder.resolve(name), "expected a JSON object");
                }
                return node;
            }
        }
        return Optional.empty();
    }

    static int effectiveMaxLength(Path folder, JsonNode stConfig, JsonNode hfConfig) {
        if (stConfig != null && stConfig.hasNonNull("max_seq_length")) {
            JsonNode v = stConfig.get("max_seq_length");
            if (!v.canConvertToInt() || v.asInt() <= 0) {
                throw new ModelFormatException(folder.resolve("sentence_bert_config.json"),
                        "\"max_seq_length\" must be a positive integer, got " + v);
            }
            return v.asInt();
        }
        long limit = Long.MAX_VALUE;
        JsonNode tokCfg = ModelFolder.readJsonIfExists(folder.resolve("tokenizer_config.json")).orElse(null);
        if (tokCfg != null && tokCfg.path("model_max_length").isNumber()) {
            // Python's VERY_LARGE_INTEGER (1e30) arrives as a double here: treat as "no limit".
            double v = tokCfg.get("model_max_length").asDouble();
            if (v > 0 && v < Integer.MAX_VALUE) {
                limit = (long) v;
            }
        }
        JsonNode positions = hfConfig.get("max_position_embeddings");
        if (positions != null && positions.canConvertToInt() && positions.asInt() != -1) {
            limit = Math.min(limit, positions.asInt());
        }
        return limit >= Integer.MAX_VALUE ? TextTokenizer.UNLIMITED : (int) limit;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public TransformerBackend backend() {
        return backend;
    }

    public Path folder() {
        return folder;
    }

    /** The {@code do_lower_case} of the module config. */
    public boolean doLowerCase() {
        return doLowerCase;
    }

    @Override
    public void setMaxSeqLength(int length) {
        tokenizer.setMaxLength(length);
    }

    @Override
    public void forward(Features f) {
        float[] hidden = backend.forward(f.batch());
        int dim = backend.hiddenSize();
        long expected = (long) f.batch().batchSize() * f.batch().seqLength() * dim;
        if (hidden.length != expected) {
            throw new IllegalStateException(backend.describe() + " returned " + hidden.length
                    + " values, expected batch*seq*hidden = " + expected);
        }
        f.setTokenEmbeddings(hidden, dim);
    }

    @Override
    public String describeBackend() {
        return backend.describe();
    }

    @Override
    public String typeName() {
        return "Transformer";
    }

    @Override
    public int outputDimension() {
        return hiddenSize;
    }

    @Override
    public String describe() {
        return "Transformer(max_seq_length=" + (maxSeqLength() == TextTokenizer.UNLIMITED ? "none" : maxSeqLength())
                + ", do_lower_case=" + doLowerCase + ", backend=" + backend.describe() + ")";
    }

    @Override
    public void close() {
        backend.close();
        tokenizer.close();
    }
}
