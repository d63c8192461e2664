package dev.st4j;

/**
 * Scores every query row against every corpus row, like Python's {@code score_function(a, b)}: an
 * {@code [a.rows(), b.rows()]} matrix where larger means more similar. Every {@link SimilarityFunction} is one; a
 * lambda may be another. Search calls it on blocks of rows, from several threads at once, so it must be a pure
 * function of its arguments.
 */
@FunctionalInterface
public interface ScoreFunction {
    FloatMatrix scores(FloatMatrix queries, FloatMatrix corpus);
}
