package dev.st4j.internal.modelfolder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code config_sentence_transformers.json}: the model-level settings. Absent keys are null (or empty prompts).
 *
 * @param modelType {@code "SentenceTransformer"} unless the file says otherwise
 * @param prompts saved prompts, name to text, in file order
 * @param defaultPromptName saved default prompt name, or null
 * @param similarityFnName saved similarity function name, or null
 * @param truncateDim saved truncation dimension, or null
 */
public record SentenceTransformerConfig(
        String modelType,
        Map<String, String> prompts,
        String defaultPromptName,
        String similarityFnName,
        Integer truncateDim) {

    public static final String FILE_NAME = "config_sentence_transformers.json";

    /** Python's SimilarityFunction values, the only names a config may give. */
    private static final java.util.List<String> SIMILARITY_NAMES = java.util.List.of("cosine", "dot", "euclidean",
            "manhattan");

    /** The settings of a folder without the file. */
    public static SentenceTransformerConfig empty() {
        return new SentenceTransformerConfig("SentenceTransformer", Map.of(), null, null, null);
    }

    public static SentenceTransformerConfig read(Path file) {
        JsonNode node = ModelFolder.readJsonIfExists(file).orElse(null);
        if (node == null) {
            return empty();
        }
        if (!node.isObject()) {
            throw new ModelFormatException(file, "expected a JSON object");
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        JsonNode p = node.get("prompts");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw new ModelFormatException(file, "\"prompts\" must be an object of name to prompt text");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new ModelFormatException(file, "prompt '" + e.getKey() + "' must be a string");
                }
                prompts.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode td = node.get("truncate_dim");
        if (td != null && !td.isNull() && (!td.canConvertToInt() || td.asInt() <= 0)) {
            throw new ModelFormatException(file, "\"truncate_dim\" must be a positive integer or null, got " + td);
        }
        String similarity = text(node, "similarity_fn_name", null);
        if (similarity != null && !SIMILARITY_NAMES.contains(similarity)) {
            throw new ModelFormatException(file, "\"similarity_fn_name\" is '" + similarity + "', which is not a "
                    + "similarity function; use one of " + SIMILARITY_NAMES + " (or null for cosine)");
        }
        String defaultPrompt = text(node, "default_prompt_name", null);
        return new SentenceTransformerConfig(
                text(node, "model_type", "SentenceTransformer"),
                prompts,
                defaultPrompt,
                similarity,
                td == null || td.isNull() ? null : td.asInt());
    }

    private static String text(JsonNode node, String key, String fallback) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }
}
