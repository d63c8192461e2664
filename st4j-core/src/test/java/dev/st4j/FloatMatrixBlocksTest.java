package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A matrix of more values than one Java array holds: 6,000,000 rows of 384 (2.3 billion values). */
class FloatMatrixBlocksTest {
    @Test
    void sixMillionRowsOf384AreIndexableEndToEnd() {
        int rows = 6000;
        int cols = 384;
        float[] values = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                values[r * cols + c] = r + c / 1000f;
            }
        }
        FloatMatrix block = FloatMatrix.of(rows, cols, values);
        // The same block 1000 times (shared, not copied), so the test needs 9 MB, not 9 GB.
        FloatMatrix big = FloatMatrix.concat(Collections.nCopies(1000, block));
        assertEquals(6_000_000, big.rows());
        assertEquals(384, big.cols());
        assertTrue((long) big.rows() * big.cols() > Integer.MAX_VALUE);
        // Row 5,592,406 starts past value 2^31: an int index would have overflowed there.
        int past = 5_592_406;
        assertTrue((long) past * cols > Integer.MAX_VALUE);
        assertEquals(past % rows + 7 / 1000f, big.get(past, 7));
        assertEquals(5999 + 383 / 1000f, big.get(5_999_999, 383));
        assertEquals(0f, big.get(0, 0));
        float[] row = big.row(5_999_999);
        assertEquals(5999f, row[0]);
        float[] dest = new float[cols + 2];
        big.copyRow(past, dest, 2);
        assertEquals(past % rows, dest[2]);
        assertThrows(IndexOutOfBoundsException.class, () -> big.get(6_000_000, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> big.row(-1));
        IllegalStateException e = assertThrows(IllegalStateException.class, big::toRowMajorArray);
        assertTrue(e.getMessage().contains("2304000000"), e.getMessage());
    }

    @Test
    void concatKeepsOrderAcrossUnevenParts() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{1, 2}, {3, 4}});
        FloatMatrix empty = FloatMatrix.of(0, 2, new float[0]);
        FloatMatrix b = FloatMatrix.of(new float[][] {{5, 6}});
        FloatMatrix c = FloatMatrix.of(new float[][] {{7, 8}, {9, 10}, {11, 12}});
        FloatMatrix all = FloatMatrix.concat(List.of(a, empty, b, FloatMatrix.concat(List.of(c, b))));
        assertEquals(7, all.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 5, 6}, all.toRowMajorArray());
        assertEquals(FloatMatrix.of(7, 2, all.toRowMajorArray()), all);
        assertEquals(FloatMatrix.of(7, 2, all.toRowMajorArray()).hashCode(), all.hashCode());
        // Similarity reads a multi-block matrix like a single one.
        FloatMatrix sim = SimilarityFunction.DOT.similarity(all, b);
        assertArrayEquals(new float[] {17, 39, 61, 83, 105, 127, 61}, sim.toRowMajorArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatMatrix.concat(List.of(a, FloatMatrix.of(new float[][] {{1, 2, 3}}))));
        assertTrue(e.getMessage().contains("part 1"), e.getMessage());
    }
}
