package dev.st4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.Fix;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.bert.BertModel;
import dev.st4j.engine.distilbert.DistilBertModel;
import dev.st4j.engine.gemma3.Gemma3TextModel;
import dev.st4j.engine.modernbert.ModernBertModel;
import dev.st4j.engine.mpnet.MpnetModel;
import dev.st4j.engine.qwen3.Qwen3Model;
import dev.st4j.engine.roberta.RobertaModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Registers the pure-Java engine as the {@code "java"} backend: safetensors weights, no native code. */
public final class JavaEngineProvider implements BackendProvider {
    /** The {@code model_type} values of {@code config.json} the engine runs. */
    static final List<String> SUPPORTED = List.of("bert", "roberta", "xlm-roberta", "distilbert", "mpnet",
            "modernbert", "qwen3", "gemma3_text");

    /**
     * Settings of which a loader computes a single value (absent means that value), per {@code model_type}. The
     * loaders refuse other values too; asking here lets the hub fetch another backend's weights up front (a BERT
     * with {@code relative_key} positions gets its ONNX export, not safetensors the engine cannot run).
     */
    private static final Map<String, Map<String, String>> ONLY = Map.of(
            "bert", Map.of("position_embedding_type", "absolute", "hidden_act", "gelu"),
            "roberta", Map.of("position_embedding_type", "absolute", "hidden_act", "gelu"),
            "xlm-roberta", Map.of("position_embedding_type", "absolute", "hidden_act", "gelu"),
            "mpnet", Map.of("hidden_act", "gelu"),
            "distilbert", Map.of("activation", "gelu"));

    @Override
    public String name() {
        return "java";
    }

    /** Runs the architectures of {@link #SUPPORTED}; the loader of each refuses settings it does not implement. */
    @Override
    public Support supports(JsonNode config, BackendOptions options) {
        String type = config.path("model_type").asText("");
        if (SUPPORTED.contains(type)) {
            for (Map.Entry<String, String> only : new TreeMap<>(ONLY.getOrDefault(type, Map.of())).entrySet()) {
                JsonNode v = config.get(only.getKey());
                if (v != null && !v.isNull() && !v.asText().equals(only.getValue())) {
                    return Support.no(only.getKey() + " '" + v.asText() + "' is not supported by the Java engine's "
                            + type + " (it computes only '" + only.getValue() + "'); run this model with the ONNX "
                            + "backend");
                }
            }
            return Support.YES;
        }
        return Support.no("the Java engine does not run " + (type.isEmpty() ? "a config.json without model_type"
                : "model_type '" + type + "'") + " (it runs " + SUPPORTED + ")");
    }

    /** {@code model.safetensors}, else a sharded checkpoint's index (its shards follow from it). */
    @Override
    public WeightFiles weightFiles(Set<String> files, BackendOptions options) {
        for (String name : List.of(SafetensorsFile.FILE_NAME, SafetensorsFile.INDEX_NAME)) {
            if (files.contains(name)) {
                return WeightFiles.of(name);
            }
        }
        return WeightFiles.none("the Java engine loads " + SafetensorsFile.FILE_NAME + " (or a sharded "
                + SafetensorsFile.INDEX_NAME + "), which is not there", Fix.action("convert the checkpoint to "
                + "safetensors (e.g. save_pretrained(..., safe_serialization=True) in Python)"));
    }

    @Override
    public List<String> referencedFiles(String weightFile, Path localCopy) {
        return weightFile.endsWith(SafetensorsFile.INDEX_NAME) ? SafetensorsFile.shardNames(localCopy) : List.of();
    }

    @Override
    public TransformerBackend open(Path folder, BackendOptions options) {
        Path configFile = folder.resolve("config.json");
        JsonNode config = ModelFolder.readJsonObject(configFile);
        Support support = supports(config, options);
        if (!support.runs()) {
            throw new UnsupportedModelException(configFile + ": " + support.refusal());
        }
        String type = config.path("model_type").asText("");
        Kernels kernels = Kernels.preferred();
        EncoderModel model = load(type, configFile, config, SafetensorsFile.open(folder), kernels);
        return new JavaBackend(model, kernels, options.effectiveThreads());
    }

    /** The architecture of {@code model_type} {@code type} (one of {@link #SUPPORTED}), loaded and checked. */
    static EncoderModel load(String type, Path configFile, JsonNode config, SafetensorsFile weights,
            Kernels kernels) {
        return switch (type) {
            case "bert" -> BertModel.load(configFile, config, weights, kernels);
            case "roberta" -> RobertaModel.load("RoBERTa", configFile, config, weights, kernels);
            case "xlm-roberta" -> RobertaModel.load("XLM-R", configFile, config, weights, kernels);
            case "distilbert" -> DistilBertModel.load(configFile, config, weights, kernels);
            case "mpnet" -> MpnetModel.load(configFile, config, weights, kernels);
            case "modernbert" -> ModernBertModel.load(configFile, config, weights, kernels);
            case "qwen3" -> Qwen3Model.load(configFile, config, weights, kernels);
            case "gemma3_text" -> Gemma3TextModel.load(configFile, config, weights, kernels);
            default -> throw new IllegalArgumentException("the Java engine has no loader for model_type " + type);
        };
    }
}
