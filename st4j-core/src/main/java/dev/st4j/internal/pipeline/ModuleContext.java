package dev.st4j.internal.pipeline;

import dev.st4j.backend.BackendOptions;
import dev.st4j.internal.modelfolder.ModelFolder;
import java.nio.file.Path;

/**
 * What a module loader gets: its folder, the model it belongs to, the backend asked for, and the width of the
 * embedding the module before it produces (-1 when unknown).
 *
 * @param model the model's root folder (module paths resolve inside it)
 * @param dir this module's folder
 * @param declaredIn the file that named the module (for error messages)
 * @param backend the backend the caller named, or null
 * @param backendOptions threads and ONNX file name
 * @param inputDimension output width of the previous module, or -1
 */
public record ModuleContext(ModelFolder model, Path dir, Path declaredIn, String backend,
        BackendOptions backendOptions, int inputDimension) {

    /** The same model and backend, for a sub-module in {@code subDir} after a module of width {@code dim}. */
    public ModuleContext child(Path subDir, Path declaredIn, int dim) {
        return new ModuleContext(model, subDir, declaredIn, backend, backendOptions, dim);
    }

    /** A file of this module's folder. */
    public Path file(String name) {
        return dir.resolve(name);
    }
}
