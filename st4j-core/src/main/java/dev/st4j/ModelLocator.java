package dev.st4j;

import dev.st4j.internal.embedded.EmbeddedModels;
import dev.st4j.hub.Environment;
import dev.st4j.hub.HubDownloader;
import dev.st4j.hub.HubSettings;
import dev.st4j.internal.modelfolder.ModelNames;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Turns the name given to {@link SentenceTransformer#load} into a model folder on disk. */
final class ModelLocator {
    private ModelLocator() {}

    static Path locate(String nameOrPath, LoadOptions options) {
        return locate(nameOrPath, options, Environment.system());
    }

    /**
     * A local folder first; else the hub id (after the short-name rule) of an embedded model; else the hub
     * (through the shared huggingface_hub cache).
     *
     * <p>An embedded model answers its hub id with no network unless the caller asked for something the jar
     * cannot promise: a revision (a user asking for revision X must get X, not whatever the jar holds; pass
     * {@code revision("main")} to force the hub copy), an ONNX file other than the default, or the Java engine when
     * the jar has no safetensors weights (shipped or converted from its ONNX export). A cache folder or
     * {@code HF_ENDPOINT} alone does not bypass it: a mirror serves the same model, and many users set
     * {@code HF_ENDPOINT} once for every tool.
     */
    static Path locate(String nameOrPath, LoadOptions options, Environment env) {
        Optional<Path> local = localPath(nameOrPath);
        if (local.isPresent()) {
            Path p = local.get();
            if (Files.isDirectory(p)) {
                return p;
            }
            throw new ModelNotFoundException(p + " is a file; pass the model folder that holds it instead");
        }
        String repoId = ModelNames.toRepoId(nameOrPath);
        Optional<EmbeddedModels.Embedded> embedded = EmbeddedModels.find(repoId);
        if (embedded.isPresent() && embeddedServes(embedded.get(), options)) {
            return EmbeddedModels.materialize(embedded.get());
        }
        HubSettings settings = HubSettings.resolve(options.cacheFolder(), options.token(), options.localFilesOnly(),
                env);
        return new HubDownloader(settings).downloadModel(repoId, options.revision(), options.backend(),
                options.onnxFileName(), options.parsedDevice());
    }

    private static boolean embeddedServes(EmbeddedModels.Embedded embedded, LoadOptions options) {
        boolean hasSafetensors = EmbeddedModels.hasSafetensors(embedded);
        return options.revision() == null && options.onnxFileName() == null
                && !("java".equals(options.backend()) && !hasSafetensors);
    }

    private static Optional<Path> localPath(String name) {
        try {
            Path p = Path.of(name);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
