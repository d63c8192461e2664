package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The values of the reference suite's tests/util/test_similarity.py (SPEC.md section 4). */
class SimilarityFunctionTest {
    static final float SQRT2 = (float) Math.sqrt(2);

    @Test
    void pairwiseDistancesAreNegated() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{1, 0}, {1, 1}});
        FloatMatrix zeros = FloatMatrix.of(new float[][] {{0, 0}, {0, 0}});
        assertArrayEquals(new float[] {-1, -SQRT2}, SimilarityFunction.EUCLIDEAN.pairwise(a, zeros), 1e-6f);
        assertArrayEquals(new float[] {-1, -2}, SimilarityFunction.MANHATTAN.pairwise(a, zeros), 1e-6f);
    }

    @Test
    void distanceMatricesAreNegated() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}});
        FloatMatrix b = FloatMatrix.of(new float[][] {{0, 0}, {0, 1}});
        assertArrayEquals(new float[][] {{-1, -SQRT2}, {-1, 0}}, SimilarityFunction.EUCLIDEAN.similarity(a, b).toArray());
        assertArrayEquals(new float[][] {{-1, -2}, {-1, 0}}, SimilarityFunction.MANHATTAN.similarity(a, b).toArray());
    }

    @Test
    void cosineAndDotOfAxisVectors() {
        FloatMatrix a = FloatMatrix.ofRow(new float[] {1, 0});
        FloatMatrix b = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {-1, 0}});
        assertArrayEquals(new float[] {1, 0, -1}, SimilarityFunction.COSINE.similarity(a, b).row(0));
        assertArrayEquals(new float[] {1, 0, -1}, SimilarityFunction.DOT.similarity(a, b).row(0));
    }

    @Test
    void cosineOfAZeroVectorIsZeroNotNaN() {
        FloatMatrix a = FloatMatrix.ofRow(new float[] {0, 0});
        assertEquals(0f, SimilarityFunction.COSINE.similarity(a, FloatMatrix.ofRow(new float[] {3, 4})).get(0, 0));
    }

    @Test
    void cosineIgnoresScaleAndDotDoesNot() {
        FloatMatrix a = FloatMatrix.ofRow(new float[] {3, 4});
        FloatMatrix b = FloatMatrix.ofRow(new float[] {6, 8});
        assertEquals(1f, SimilarityFunction.COSINE.similarity(a, b).get(0, 0), 1e-6f);
        assertEquals(50f, SimilarityFunction.DOT.similarity(a, b).get(0, 0), 1e-6f);
    }

    @Test
    void namesParseAsInPython() {
        assertEquals(List.of("cosine", "dot", "euclidean", "manhattan"), SimilarityFunction.possibleValues());
        assertEquals(SimilarityFunction.DOT, SimilarityFunction.fromName("dot"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimilarityFunction.fromName("dot_product"));
        assertEquals("'dot_product' is not a valid SimilarityFunction; use one of [cosine, dot, euclidean, manhattan]",
                e.getMessage());
    }

    @Test
    void mismatchedWidthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SimilarityFunction.COSINE.similarity(
                FloatMatrix.ofRow(new float[] {1, 0}), FloatMatrix.ofRow(new float[] {1, 0, 0})));
    }
}
