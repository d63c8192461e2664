package dev.st4j.engine.kernels;

/**
 * A task's float scratch, borrowed from its {@link Parallel} ({@link Parallel#borrow}) and grown as needed, so
 * that steps run batch after batch without allocating (and zeroing) scratch in every call.
 */
public final class Workspace {
    private float[] floats = new float[0];

    /** At least {@code n} floats; the contents are whatever the last user left. */
    public float[] floats(int n) {
        if (floats.length < n) {
            floats = new float[n];
        }
        return floats;
    }
}
