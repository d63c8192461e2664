package dev.st4j.engine.distilbert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** DistilBERT's fixed position table, against values worked by hand from its definition. */
class SinusoidsTest {

    @Test
    void evenColumnsAreSinesOddColumnsCosinesOfPositionOverAGeometricWavelength() {
        int dim = 6;
        float[] t = DistilBertModel.sinusoids(4, dim);
        // Position 0: sin 0 = 0, cos 0 = 1 in every pair.
        for (int j = 0; j < dim; j++) {
            assertEquals(j % 2 == 0 ? 0f : 1f, t[j], 0f, "row 0 column " + j);
        }
        // Position 3, pair 1 (columns 2 and 3): angle 3 / 10000^(2/6) = 3 / 21.5443469 = 0.1392476.
        assertEquals(0.1387982, t[3 * dim + 2], 1e-6);
        assertEquals(0.9903207, t[3 * dim + 3], 1e-6);
        // Position 2, pair 0: angle 2.
        assertEquals(0.9092974, t[2 * dim], 1e-6);
        assertEquals(-0.4161468, t[2 * dim + 1], 1e-6);
    }
}
