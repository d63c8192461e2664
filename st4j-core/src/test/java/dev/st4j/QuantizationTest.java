package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The reference suite's quantization values (SPEC.md 5.3, v5.7+ formulas). */
class QuantizationTest {
    static final FloatMatrix CALIBRATION = FloatMatrix.of(new float[][] {{1, 20, -3}, {4, 5, -60}});
    static final FloatMatrix DATA = FloatMatrix.of(new float[][] {{-1, 15, 1}});

    @Test
    void int8WithCalibration() {
        QuantizedEmbeddings q = Quantization.quantize(DATA, Precision.INT8, CALIBRATION);
        assertEquals(-128, q.get(0, 0));
        assertEquals(42, q.get(0, 1));
        assertEquals(127, q.get(0, 2));
    }

    @Test
    void uint8WithCalibration() {
        QuantizedEmbeddings q = Quantization.quantize(DATA, Precision.UINT8, CALIBRATION);
        assertEquals(0, q.get(0, 0));
        assertEquals(170, q.get(0, 1));
        assertEquals(255, q.get(0, 2));
    }

    @Test
    void binaryPacksSignBitsMostSignificantFirst() {
        FloatMatrix m = FloatMatrix.of(new float[][] {
            {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10},
            {1, -1, -1, -1, -1, -1, -1, 1, 1, -1}});
        QuantizedEmbeddings ub = Quantization.quantize(m, Precision.UBINARY);
        assertEquals(2, ub.cols());
        assertEquals(255, ub.get(0, 0));
        assertEquals(0b11000000, ub.get(0, 1));
        assertEquals(0, ub.get(1, 0));
        assertEquals(0b10000001, ub.get(2, 0));
        assertEquals(0b10000000, ub.get(2, 1));
        QuantizedEmbeddings b = Quantization.quantize(m, Precision.BINARY);
        assertEquals(127, b.get(0, 0));
        assertEquals(-128, b.get(1, 0));
    }

    @Test
    void constantDimensionUsesStepOne() {
        FloatMatrix m = FloatMatrix.of(new float[][] {{2, 0}, {2, 255}});
        QuantizedEmbeddings q = Quantization.quantize(m, Precision.UINT8);
        assertEquals(0, q.get(0, 0));
        assertEquals(0, q.get(1, 0));
        assertEquals(255, q.get(1, 1));
    }

    @Test
    void precisionNamesParseAsInPython() {
        assertEquals(Precision.UBINARY, Precision.fromName("ubinary"));
        assertThrows(IllegalArgumentException.class, () -> Precision.fromName("int4"));
    }
}
