package dev.st4j.pipeline;

import dev.st4j.internal.pipeline.Features;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One step of a sentence-transformers pipeline. Each implementation owns its files: its registry entry (its {@code TYPE}) says
 * which config keys and files it reads, {@link #save} writes them back in the layout Python reads.
 */
public interface Module extends AutoCloseable {

    /** Reads and writes named features of one batch. */
    void forward(Features features);

    /** The Python class name this module implements ({@code Pooling}, {@code Normalize}, ...). */
    String typeName();

    /** Width of the embedding this module outputs, or -1 if it does not change it. */
    default int outputDimension() {
        return -1;
    }

    /** Whether this module reads every layer's hidden states ({@link Features#allLayerEmbeddings()}). */
    default boolean needsAllLayers() {
        return false;
    }

    /** A one-line description for {@code st4j info}. */
    default String describe() {
        return typeName();
    }

    /**
     * Writes this module's files into {@code dir} (which exists), so that Python's {@code Module.load(dir)} and
     * st4j's loader read it back as it is now.
     */
    void save(Path dir) throws IOException;

    /** Whether a first module of this type is saved in the model's root folder (Python's {@code save_in_root}). */
    default boolean saveInRoot() {
        return false;
    }

    @Override
    default void close() {}
}
