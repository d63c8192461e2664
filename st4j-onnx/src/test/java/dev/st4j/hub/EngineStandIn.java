package dev.st4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Answers the hub's questions as the pure-Java engine does, for BERT and not for DeBERTa-v2 (st4j-engine cannot be
 * a dependency of this module, whose tests it uses; its own answers are checked there, in {@code BackendChoiceTest}).
 * It never runs.
 */
final class EngineStandIn implements BackendProvider {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public Support supports(JsonNode config, BackendOptions options) {
        return config.path("model_type").asText("").equals("bert") ? Support.YES
                : Support.no("the stand-in engine runs model_type bert only");
    }

    @Override
    public WeightFiles weightFiles(Set<String> files, BackendOptions options) {
        for (String name : List.of(SafetensorsFile.FILE_NAME, SafetensorsFile.INDEX_NAME)) {
            if (files.contains(name)) {
                return WeightFiles.of(name);
            }
        }
        return WeightFiles.none("no model.safetensors");
    }

    @Override
    public List<String> referencedFiles(String weightFile, Path localCopy) {
        return weightFile.endsWith(SafetensorsFile.INDEX_NAME) ? SafetensorsFile.shardNames(localCopy) : List.of();
    }

    @Override
    public TransformerBackend open(Path transformerFolder, BackendOptions options) {
        throw new UnsupportedOperationException("a stand-in for the hub's choice of files");
    }
}
