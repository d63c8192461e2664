package dev.st4j.engine.kernels;

/**
 * Terms added to one attention head's scores (after scaling, before softmax) over one sequence: a relative-position
 * bias such as MPNet's. Implementations must be thread-safe; the kernels call them once per query row.
 */
@FunctionalInterface
public interface ScoreBias {
    /** Adds query {@code query}'s terms for keys {@code 0..len-1} to {@code scores[off, off + len)}. */
    void addTo(int query, float[] scores, int off, int len);
}
