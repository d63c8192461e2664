package dev.st4j.pipeline;

/** One step of a sentence-transformers pipeline, loaded from its folder as listed in {@code modules.json}. */
public interface Module extends AutoCloseable {

    /** Reads and writes named features of one batch. */
    void forward(Features features);

    /** The Python class name this module implements ({@code Pooling}, {@code Normalize}, ...). */
    String typeName();

    /** Width of the embedding this module outputs, or -1 if it does not change it. */
    default int outputDimension() {
        return -1;
    }

    /** A one-line description for {@code st4j info}. */
    default String describe() {
        return typeName();
    }

    @Override
    default void close() {}
}
