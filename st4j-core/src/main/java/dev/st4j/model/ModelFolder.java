package dev.st4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model folder on disk in the Hugging Face layout. Every path read through it stays inside the folder, and every
 * JSON file that fails to parse is reported with its name.
 */
public final class ModelFolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public ModelFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Resolves a relative path from a config file (such as a {@code modules.json} {@code path}), refusing one that
     * would leave the folder ({@code ../x}, absolute paths).
     */
    public Path resolve(String relative, Path declaredIn) {
        Path p;
        try {
            p = root.resolve(relative).normalize();
        } catch (RuntimeException e) {
            throw new ModelFormatException(declaredIn, "path '" + relative + "' is not a valid relative path", e);
        }
        if (!p.startsWith(root) || Path.of(relative).isAbsolute()) {
            throw new ModelFormatException(declaredIn,
                    "path '" + relative + "' points outside the model folder; module paths must stay inside it");
        }
        return p;
    }

    /** A file of this folder, for reading. */
    public Path file(String relative) {
        return resolve(relative, root);
    }

    /** Parses a JSON file, or returns empty when the file does not exist. */
    public static Optional<JsonNode> readJsonIfExists(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(readJson(file));
    }

    /** Parses a JSON file that must exist. */
    public static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, "file is missing");
        }
        try {
            return JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file,
                    "is not valid JSON (" + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Parses a JSON file that must hold an object. */
    public static JsonNode readJsonObject(Path file) {
        JsonNode node = readJson(file);
        if (node == null || !node.isObject()) {
            throw new ModelFormatException(file, "expected a JSON object");
        }
        return node;
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
