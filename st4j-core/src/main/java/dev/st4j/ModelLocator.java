package dev.st4j;

import dev.st4j.embedded.EmbeddedModels;
import dev.st4j.model.ModelNames;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Turns the name given to {@link SentenceTransformer#load} into a model folder on disk. */
final class ModelLocator {
    private ModelLocator() {}

    /**
     * A local folder first; else the hub id (after the short-name rule) of an embedded model; else the hub.
     */
    static Path locate(String nameOrPath, LoadOptions options) {
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
        if (embedded.isPresent() && options.revision() == null && options.onnxFileName() == null) {
            return EmbeddedModels.materialize(embedded.get());
        }
        throw new ModelNotFoundException("model '" + nameOrPath + "' (hub id " + repoId + ") is not a local folder "
                + "and not embedded in a jar on the class path (embedded: " + EmbeddedModels.ids() + "). "
                + "Pass the path of a folder laid out like a Hugging Face repository, or add the model's st4j jar.");
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
