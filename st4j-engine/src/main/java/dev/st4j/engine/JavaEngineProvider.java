package dev.st4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.bert.BertModel;
import dev.st4j.engine.gemma3.Gemma3TextModel;
import dev.st4j.engine.modernbert.ModernBertModel;
import dev.st4j.engine.qwen3.Qwen3Model;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.model.ModelFolder;
import dev.st4j.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Registers the pure-Java engine as the {@code "java"} backend: safetensors weights, no native code. */
public final class JavaEngineProvider implements BackendProvider {
    /** The {@code model_type} values of {@code config.json} the engine runs. */
    static final List<String> SUPPORTED = List.of("bert", "modernbert", "qwen3", "gemma3_text");

    @Override
    public String name() {
        return "java";
    }

    @Override
    public boolean hasWeights(Path folder, BackendOptions options) {
        return SafetensorsFile.existsIn(folder);
    }

    @Override
    public TransformerBackend open(Path folder, BackendOptions options) {
        Path configFile = folder.resolve("config.json");
        JsonNode config = ModelFolder.readJsonObject(configFile);
        String type = config.path("model_type").asText("");
        if (!SUPPORTED.contains(type)) {
            throw new UnsupportedModelException(configFile + ": the Java engine does not run model_type '" + type
                    + "' (it runs " + SUPPORTED + ")" + onnxHint(folder));
        }
        SafetensorsFile weights = SafetensorsFile.open(folder);
        Kernels kernels = Kernels.preferred();
        EncoderModel model = switch (type) {
            case "modernbert" -> ModernBertModel.load(configFile, config, weights, kernels);
            case "qwen3" -> Qwen3Model.load(configFile, config, weights, kernels);
            case "gemma3_text" -> Gemma3TextModel.load(configFile, config, weights, kernels);
            default -> BertModel.load(configFile, config, weights, kernels);
        };
        return new JavaBackend(model, kernels, options.effectiveThreads());
    }

    private static String onnxHint(Path folder) {
        try (Stream<Path> files = Files.walk(folder, 2)) {
            boolean hasOnnx = files.anyMatch(p -> p.toString().endsWith(".onnx"));
            return hasOnnx ? "; the folder has an ONNX export, so load it with the ONNX backend: "
                    + "LoadOptions.builder().backend(\"onnx\") (needs dev.st4j:st4j-onnx)" : "";
        } catch (IOException e) {
            return "";
        }
    }
}
