package dev.st4j.internal.modelfolder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code modules.json}.
 *
 * @param idx position in the pipeline
 * @param name the module's name
 * @param path its folder, relative to the model folder ({@code ""} for the root)
 * @param type the Python class reference, e.g. {@code sentence_transformers.models.Pooling}
 */
public record ModuleSpec(int idx, String name, String path, String type) {

    /** The Python class name: the last dotted component of {@link #type()}. */
    public String className() {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(dot + 1);
    }

    /** Reads {@code modules.json}: a JSON array of objects with {@code idx}, {@code name}, {@code path}, {@code type}. */
    public static List<ModuleSpec> readAll(Path modulesJson) {
        JsonNode root = ModelFolder.readJson(modulesJson);
        if (!root.isArray()) {
            throw new ModelFormatException(modulesJson, "expected a JSON array of modules");
        }
        if (root.isEmpty()) {
            throw new ModelFormatException(modulesJson, "lists no modules; a model needs at least a Transformer");
        }
        List<ModuleSpec> specs = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode m = root.get(i);
            if (!m.isObject() || !m.path("type").isTextual()) {
                throw new ModelFormatException(modulesJson, "entry " + i + " needs a string \"type\"");
            }
            JsonNode path = m.get("path");
            if (path != null && !path.isTextual()) {
                throw new ModelFormatException(modulesJson, "entry " + i + ": \"path\" must be a string");
            }
            specs.add(new ModuleSpec(
                    m.path("idx").asInt(i),
                    m.path("name").asText(String.valueOf(i)),
                    path == null ? "" : path.asText(),
                    m.get("type").asText()));
        }
        return List.copyOf(specs);
    }
}
