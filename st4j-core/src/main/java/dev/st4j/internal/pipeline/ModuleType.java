package dev.st4j.internal.pipeline;

import dev.st4j.pipeline.Module;
import java.util.List;

/**
 * What st4j knows of one sentence-transformers module class: its Python name, the files a repository must have
 * for it (so the hub fetches exactly those), and how to load it.
 *
 * @param className the Python class name, the last component of the {@code modules.json} type
 * @param requiredFiles files of the module folder it cannot load without
 * @param optionalFiles files it reads when they exist
 * @param loader builds the module from its folder
 */
public record ModuleType(String className, List<String> requiredFiles, List<String> optionalFiles, Loader loader) {

    /** Builds a module from its folder. */
    @FunctionalInterface
    public interface Loader {
        Module load(ModuleContext context);
    }

    /** The type string st4j writes to {@code modules.json}: the old path, which every Python version imports. */
    public String savedTypeName() {
        return "sentence_transformers.models." + className;
    }
}
