package dev.st4j;

/**
 * Told how far an {@code encode} call has come, after every batch, on the thread that collects the results (never
 * an inference thread); keep it quick. Set it with {@link EncodeOptions.Builder#progressListener}.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param texts texts encoded so far in this call
     * @param tokens real tokens (no padding) encoded so far
     * @param total texts in the call, or -1 when the input is a stream of unknown length
     */
    void progress(long texts, long tokens, long total);

    /** The call ended, finished or failed. */
    default void done() {}
}
