package dev.st4j.onnx;

import dev.st4j.ModelFormatException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.TransformerBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Registers ONNX Runtime as the {@code "onnx"} backend. */
public final class OnnxBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public boolean hasWeights(Path folder, BackendOptions options) {
        return findModelFile(folder, options.onnxFileName()).isPresent();
    }

    @Override
    public TransformerBackend open(Path folder, BackendOptions options) {
        Path file = findModelFile(folder, options.onnxFileName()).orElseThrow(() -> new ModelFormatException(
                folder.resolve(options.onnxFileName() == null ? "onnx/model.onnx" : options.onnxFileName()),
                "ONNX file is missing" + otherOnnxFiles(folder)));
        return new OnnxBackend(file, folder.relativize(file).toString(), options.effectiveThreads());
    }

    /**
     * As sentence-transformers looks it up: {@code fileName} as given (it may include a folder), else inside
     * {@code onnx/}; without a name, {@code onnx/model.onnx}, then {@code model.onnx}.
     */
    static Optional<Path> findModelFile(Path folder, String fileName) {
        List<String> candidates = fileName == null
                ? List.of("onnx/model.onnx", "model.onnx")
                : List.of(fileName, "onnx/" + fileName);
        for (String c : candidates) {
            Path p = folder.resolve(c).normalize();
            if (p.startsWith(folder.normalize()) && Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String otherOnnxFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(folder, 3)) {
            List<String> found = files.filter(p -> p.toString().endsWith(".onnx"))
                    .map(p -> folder.relativize(p).toString()).sorted().toList();
            return found.isEmpty() ? " (the folder has no .onnx file; export one, or use the Java engine on "
                    + "model.safetensors)" : " (the folder has " + found + "; pass one with onnxFileName)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
