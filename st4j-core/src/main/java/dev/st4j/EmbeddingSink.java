package dev.st4j;

import java.io.IOException;

/**
 * Receives the embeddings of a streaming {@code encode}, in input order, a block of rows at a time, on the calling
 * thread. An exception it throws stops the call and is rethrown to the caller.
 */
@FunctionalInterface
public interface EmbeddingSink {

    /**
     * @param firstRow index of the block's first row in the input (0 for the first text)
     * @param rows the block: one row per text, in input order
     */
    void accept(long firstRow, FloatMatrix rows) throws IOException;
}
