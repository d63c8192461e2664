package dev.st4j.backend;

import java.nio.file.Path;

/**
 * A way to run a transformer, found with {@link java.util.ServiceLoader}: add the backend's jar (st4j-onnx, the
 * pure-Java engine) to the class path and it becomes available by {@link #name()}.
 */
public interface BackendProvider {

    /** The name callers choose it by: {@code "onnx"}, {@code "java"}. */
    String name();

    /** Whether {@code transformerFolder} holds weights this backend can load (a cheap check on file names). */
    boolean hasWeights(Path transformerFolder, BackendOptions options);

    /** Loads the network in {@code transformerFolder} (which holds {@code config.json} and the weights). */
    TransformerBackend open(Path transformerFolder, BackendOptions options);
}
