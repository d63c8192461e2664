package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.Device;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.internal.backends.Backends;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.pipeline.ModuleType;
import dev.st4j.internal.tokenizer.TextTokenizer;
import dev.st4j.tokenizers.slow.SlowTokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Hugging Face network and its tokenizer: texts in, {@code token_embeddings} out. Its folder holds
 * {@code config.json}, the tokenizer files, {@code sentence_bert_config.json} and the weights.
 */
public final class Transformer implements InputModule {
    /**
     * Names sentence-transformers tries for the module config, in order. Keys read: {@code max_seq_length},
     * {@code do_lower_case} (legacy and current); the v5.4+ keys ({@code transformer_task}, {@code modality_config},
     * ...) describe the text-only default st4j runs.
     */
    static final List<String> CONFIG_NAMES = List.of(
        "sentence_bert_config.json", "sentence_roberta_config.json", "sentence_distilbert_config.json",
        "sentence_camembert_config.json", "sentence_albert_config.json", "sentence_xlm-roberta_config.json",
        "sentence_xlnet_config.json");

    /** Files of a model folder that belong to the model as a whole or to other modules, not to the Transformer. */
    private static final Set<String> NOT_MINE = Set.of("modules.json", "config_sentence_transformers.json",
            "README.md", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "rust_model.ot");

    public static final ModuleType TYPE = new ModuleType("Transformer",
            List.of("config.json", "tokenizer.json"),
            Stream.of(CONFIG_NAMES.stream(), Stream.of("tokenizer_config.json", "special_tokens_map.json"),
                    SlowTokenizers.FILES.stream()).flatMap(s -> s).toList(),
            c -> load(c.dir(), c.backend(), c.backendOptions()));

    private final Path folder;
    private final TextTokenizer tokenizer;
    private final TransformerBackend backend;
    private final int hiddenSize;
    private final boolean doLowerCase;
    /** {@code output_hidden_states} of the network's config: Python then hands every layer to later modules. */
    private final boolean outputHiddenStates;
    private final OptionalInt hiddenLayers;
    /** The backend asked for (null: the default choice) and its options, to open the network on other devices. */
    private final String backendName;
    private final BackendOptions options;
    /** False for a copy on another device ({@link #onDevice}), which closes its backend but not the tokenizer. */
    private final boolean ownsTokenizer;

    private Transformer(Path folder, TextTokenizer tokenizer, TransformerBackend backend, int hiddenSize,
            boolean doLowerCase, boolean outputHiddenStates, OptionalInt hiddenLayers, String backendName,
            BackendOptions options, boolean ownsTokenizer) {
        this.folder = folder;
        this.backendName = backendName;
        this.options = options;
        this.ownsTokenizer = ownsTokenizer;
        this.outputHiddenStates = outputHiddenStates;
        this.hiddenLayers = hiddenLayers;
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
        // The tokenizer (tokenizer.json parsed into its tables) and the network (weights read and packed) are
        // independent single-threaded loads of a few hundred ms each: the tokenizer loads on a thread of its own
        // meanwhile, and its failure still comes first, as when it loaded first.
        ParallelLoad<TextTokenizer> tokenizerLoad = ParallelLoad.start("st4j-tokenizer-load",
                () -> TextTokenizer.load(folder, lower, maxLength, options.tokenizer(),
                        options.replaceUnpairedSurrogates()));
        TransformerBackend backend;
        try {
            backend = Backends.open(folder, hfConfig, backendName, options);
        } catch (RuntimeException | Error e) {
            tokenizerLoad.rethrowFirst(TextTokenizer::close, e);
            throw e;
        }
        TextTokenizer tokenizer = tokenizerLoad.join(backend::close);
        int hidden = hfConfig.path("hidden_size").asInt(backend.hiddenSize());
        if (hidden != backend.hiddenSize()) {
            int actual = backend.hiddenSize();
            backend.close();
            tokenizer.close();
            throw new ModelFormatException(configFile, "\"hidden_size\" is " + hidden + " but the weights produce "
                    + actual + "-wide token embeddings; config.json and the weights do not belong together");
        }
        JsonNode layers = hfConfig.has("num_hidden_layers") ? hfConfig.get("num_hidden_layers")
                : hfConfig.path("n_layers");
        return new Transformer(folder, tokenizer, backend, hidden, lower, outputHiddenStates(hfConfig, stConfig),
                layers.canConvertToInt() && layers.asInt() > 0 ? OptionalInt.of(layers.asInt()) : OptionalInt.empty(),
                backendName, options, true);
    }

    /** The device the network runs on. */
    public Device device() {
        return options.device();
    }

    /**
     * The same module with its network opened again on {@code device} (the backend chosen as at load, for that
     * device), sharing this one's tokenizer: {@code this} when it already runs there. Closing the copy closes only
     * its backend.
     *
     * @throws UnsupportedModelException no installed backend runs the network on {@code device} (the message says
     *     why: the Java engine runs on the CPU only, ONNX Runtime without its GPU build has no CUDA)
     */
    @Override
    public Transformer onDevice(Device device) {
        if (device.equals(device())) {
            return this;
        }
        BackendOptions there = options.onDevice(device);
        TransformerBackend other = Backends.open(folder, ModelFolder.readJsonObject(folder.resolve("config.json")),
                backendName, there);
        if (other.hiddenSize() != hiddenSize) {
            int actual = other.hiddenSize();
            other.close();
            throw new ModelFormatException(folder, "on " + device + " the network produces " + actual
                    + "-wide token embeddings, on " + device() + " " + hiddenSize);
        }
        return new Transformer(folder, tokenizer, other, hiddenSize, doLowerCase, outputHiddenStates, hiddenLayers,
                backendName, there, false);
    }

    /**
     * {@code output_hidden_states} as {@code AutoModel.from_pretrained} sees it: the module config's model/config
     * kwargs (either name) over {@code config.json}.
     */
    private static boolean outputHiddenStates(JsonNode hfConfig, JsonNode stConfig) {
        boolean value = hfConfig.path("output_hidden_states").asBoolean(false);
        if (stConfig != null) {
            for (String key : List.of("config_args", "config_kwargs", "model_args", "model_kwargs")) {
                JsonNode v = stConfig.path(key).path("output_hidden_states");
                if (v.isBoolean()) {
                    value = v.asBoolean();
                }
            }
        }
        return value;
    }

    /** Whether the network's config asks for every layer's hidden states ({@code output_hidden_states}). */
    public boolean outputsHiddenStates() {
        return outputHiddenStates;
    }

    /** {@code num_hidden_layers} of the network's config, when it says. */
    public OptionalInt hiddenLayers() {
        return hiddenLayers;
    }

    /** Fails, naming the fix, when the backend cannot return every layer's hidden states for {@code module}. */
    public void requireAllLayers(String module) {
        backend.allLayersRefusal().ifPresent(why -> {
            throw new UnsupportedModelException(folder + ": the model's " + module + " mixes every layer's hidden "
                    + "states (config.json sets output_hidden_states), but " + why);
        });
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
        float[][] layers = f.allLayersRequested() && outputHiddenStates ? backend.forwardAllLayers(f.batch()) : null;
        float[] hidden = layers != null ? layers[layers.length - 1] : backend.forward(f.batch());
        int dim = backend.hiddenSize();
        long expected = (long) f.batch().batchSize() * f.batch().seqLength() * dim;
        if (hidden.length != expected) {
            throw new IllegalStateException(backend.describe() + " returned " + hidden.length
                    + " values, expected batch*seq*hidden = " + expected);
        }
        f.setTokenEmbeddings(hidden, dim);
        if (layers != null) {
            f.setAllLayerEmbeddings(layers);
        }
        if (tokenizer.padsLeft()) {
            f.padLeft();
        }
    }

    /**
     * Copies the network's own files (config, tokenizer files, weights, {@code onnx/}) and writes
     * {@code sentence_bert_config.json} with the legacy keys every version reads.
     */
    @Override
    public void save(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !NOT_MINE.contains(name) && !CONFIG_NAMES.contains(name)
                        && !name.startsWith(".")) {
                    ModelFolder.copyAtomically(f, dir.resolve(name));
                }
            }
        }
        Path onnx = folder.resolve("onnx");
        if (Files.isDirectory(onnx)) {
            try (Stream<Path> files = Files.list(onnx)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    ModelFolder.copyAtomically(f, dir.resolve("onnx").resolve(f.getFileName().toString()));
                }
            }
        }
        if (outputHiddenStates) {
            // Set by the module config's kwargs perhaps: Python's save_pretrained writes it into config.json.
            var config = (com.fasterxml.jackson.databind.node.ObjectNode) ModelFolder.readJsonObject(
                    dir.resolve("config.json"));
            if (!config.path("output_hidden_states").asBoolean(false)) {
                config.put("output_hidden_states", true);
                ModelFolder.writeJson(dir.resolve("config.json"), config, 2);
            }
        }
        var sbert = ModelFolder.mapper().createObjectNode();
        int max = maxSeqLength();
        if (max != TextTokenizer.UNLIMITED) {
            sbert.put("max_seq_length", max);
        }
        sbert.put("do_lower_case", doLowerCase);
        ModelFolder.writeJson(dir.resolve("sentence_bert_config.json"), sbert, 4);
    }

    @Override
    public boolean saveInRoot() {
        return true;
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
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }
}
