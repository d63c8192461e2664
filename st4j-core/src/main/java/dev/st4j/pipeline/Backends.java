package dev.st4j.pipeline;

import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.TransformerBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the backends on the class path and picks one for a model folder. */
public final class Backends {
    /** Preference when the caller names none: the pure-Java engine for safetensors, then ONNX Runtime. */
    private static final List<String> PREFERENCE = List.of("java", "onnx");

    private Backends() {}

    /** The backends found with {@link ServiceLoader}, by name. */
    public static List<BackendProvider> available() {
        List<BackendProvider> out = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(out::add);
        return out;
    }

    /**
     * Opens the backend named {@code requested} (null: the first of {@code java}, {@code onnx} that has weights in
     * the folder).
     */
    public static TransformerBackend open(Path folder, String requested, BackendOptions options) {
        List<BackendProvider> providers = available();
        List<String> names = providers.stream().map(BackendProvider::name).toList();
        if (requested != null) {
            for (BackendProvider p : providers) {
                if (p.name().equals(requested)) {
                    return p.open(folder, options);
                }
            }
            throw new UnsupportedModelException("backend '" + requested + "' is not on the class path (available: "
                    + names + "); add its jar, e.g. dev.st4j:st4j-" + requested);
        }
        for (String name : PREFERENCE) {
            for (BackendProvider p : providers) {
                if (p.name().equals(name) && p.hasWeights(folder, options)) {
                    return p.open(folder, options);
                }
            }
        }
        for (BackendProvider p : providers) {
            if (p.hasWeights(folder, options)) {
                return p.open(folder, options);
            }
        }
        throw new UnsupportedModelException(folder + " has no weights that an available backend can run "
                + "(available backends: " + names + "). The ONNX backend (st4j-onnx) needs onnx/model.onnx or the "
                + "file named by onnxFileName; the Java engine needs model.safetensors.");
    }
}
