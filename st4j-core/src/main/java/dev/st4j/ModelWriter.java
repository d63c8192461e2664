package dev.st4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.modelfolder.SentenceTransformerConfig;
import dev.st4j.internal.pipeline.ModuleRegistry;
import dev.st4j.internal.pipeline.Pipeline;
import dev.st4j.pipeline.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Saves a model in the layout every sentence-transformers version reads: each module writes its own files (into
 * the root for a first Transformer, StaticEmbedding or Router; else into {@code {idx}_{Class}}), then
 * {@code modules.json} with old-style type strings, {@code config_sentence_transformers.json} and the model card.
 * As in Python the folder may exist and other files in it stay; every file st4j writes is replaced atomically.
 */
final class ModelWriter {
    /**
     * The sentence-transformers version stamped into {@code __version__}. On load, every release from 2.0.0 (the
     * first to read this file) warns when the stamp is greater than its own version: 2.x-3.x compare the strings,
     * 4.0 and later {@code packaging.version.parse} them; releases before 2.0.0 never read the file. 2.0.0 is the
     * one stamp no release warns about under either comparison. It is honest as far as it goes: it names the file
     * layout st4j writes (2.0's, with keys later releases added and older ones ignore, as Python's own files do),
     * claims no transformers or torch version, and the {@code st4j} key beside it says who wrote the file.
     */
    static final String STAMPED_VERSION = "2.0.0";
    static final String ST4J_VERSION = "0.1.0";

    private ModelWriter() {}

    static void save(Pipeline pipeline, Map<String, String> prompts, String defaultPromptName,
            SimilarityFunction similarity, Integer truncateDim, Path target, ModelCard.Source card,
            String modelName, OptionalInt maxSeqLength, int dimension) {
        Path dir = target.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new St4jException("cannot save to " + dir + ": it is a file; choose a folder");
        }
        try {
            Files.createDirectories(dir);
            ArrayNode modules = ModelFolder.mapper().createArrayNode();
            List<Module> list = pipeline.modules();
            for (int i = 0; i < list.size(); i++) {
                Module m = list.get(i);
                String path = i == 0 && m.saveInRoot() ? "" : i + "_" + m.typeName();
                Path folder = dir.resolve(path);
                Files.createDirectories(folder);
                m.save(folder);
                String type = ModuleRegistry.savedTypeName(m.typeName());
                modules.addObject().put("idx", i).put("name", pipeline.names().get(i)).put("path", path)
                        .put("type", type);
            }
            ModelFolder.writeJson(dir.resolve("modules.json"), modules, 2);
            ModelFolder.writeJson(dir.resolve(SentenceTransformerConfig.FILE_NAME),
                    config(prompts, defaultPromptName, similarity, truncateDim), 2);
            if (card != null) {
                ModelCard.write(dir.resolve("README.md"), ModelCard.render(card, modelName, maxSeqLength, dimension,
                        similarity, list.stream().map(Module::describe).toList()));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new St4jException("cannot save the model to " + dir + ": " + e, e);
        }
    }

    /** {@code config_sentence_transformers.json}, keys sorted as Python's {@code json.dump(sort_keys=True)}. */
    private static JsonNode config(Map<String, String> prompts, String defaultPromptName,
            SimilarityFunction similarity, Integer truncateDim) {
        ObjectNode st = ModelFolder.mapper().createObjectNode();
        st.putObject("__version__").put("sentence_transformers", STAMPED_VERSION).put("st4j", ST4J_VERSION);
        st.put("model_type", "SentenceTransformer");
        ObjectNode p = st.putObject("prompts");
        new TreeMap<>(prompts).forEach(p::put);
        st.put("default_prompt_name", defaultPromptName);
        st.put("similarity_fn_name", similarity.pythonName());
        if (truncateDim != null) {
            st.put("truncate_dim", truncateDim);
        }
        ObjectNode sorted = ModelFolder.mapper().createObjectNode();
        TreeMap<String, JsonNode> byKey = new TreeMap<>();
        st.properties().forEach(e -> byKey.put(e.getKey(), e.getValue()));
        byKey.forEach(sorted::set);
        return sorted;
    }
}
