package dev.st4j.internal.modelfolder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.ModelFormatException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /**
     * Writes JSON the way Python's {@code json.dump(obj, indent=n)} lays it out ({@code "key": value}, one entry per
     * line), atomically: a temporary file beside {@code file}, then a rename. A link at {@code file} (into a shared
     * cache) is replaced, never written through.
     */
    public static void writeJson(Path file, JsonNode node, int indent) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter(" ".repeat(indent), "\n"))
                .withArrayIndenter(new DefaultIndenter(" ".repeat(indent), "\n"));
        String json = JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writer(printer)
                .writeValueAsString(node).replace("\" : ", "\": ");
        writeAtomically(file, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes to a temporary file beside {@code file} and renames it into place. */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        writeAtomically(file, tmp -> Files.write(tmp, bytes));
    }

    /** Writes a file's content somewhere. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(Path file) throws IOException;
    }

    /**
     * Lets {@code writer} fill a temporary file beside {@code file}, then renames it into place: readers see the
     * old file or the whole new one, never a half-written one.
     */
    public static void writeAtomically(Path file, ContentWriter writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        StalePartials.clean(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".partial");
        try {
            writer.writeTo(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies a file (following links, so a cache's symlinks become real files) via a temporary file and a rename. */
    public static void copyAtomically(Path from, Path to) throws IOException {
        if (Files.exists(to) && Files.isSameFile(from, to)) {
            return;
        }
        writeAtomically(to, tmp -> Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING));
    }
}
