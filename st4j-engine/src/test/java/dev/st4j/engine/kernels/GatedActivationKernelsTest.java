package dev.st4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SiLU and tanh-GELU (the gates of SwiGLU and Gemma's feed-forward): known values, and vector = scalar. */
class GatedActivationKernelsTest {
    static final Kernels SCALAR = Kernels.scalar();
    static final Kernels VECTOR = Kernels.preferred();

    @Test
    void scalarValuesMatchTheFormulas() {
        // silu(x) = x / (1 + e^-x); gelu_tanh(x) = x (1 + tanh(0.7978845608 (x + 0.044715 x^3))) / 2
        float[] silu = {1, -2, 0, 30, -30};
        SCALAR.silu(silu, 0, silu.length);
        assertEquals(0.7310586f, silu[0], 1e-7);
        assertEquals(-0.23840584f, silu[1], 1e-7);
        assertEquals(0f, silu[2]);
        assertEquals(30f, silu[3], 1e-6);
        assertEquals(-2.8072e-12f, silu[4], 1e-15);
        float[] gelu = {1, -2, 0, 0.5f};
        SCALAR.geluTanh(gelu, 0, gelu.length);
        assertEquals(0.84119199f, gelu[0], 1e-7);
        assertEquals(-0.04540231f, gelu[1], 1e-7);
        assertEquals(0f, gelu[2]);
        assertEquals(0.34571401f, gelu[3], 1e-7);
    }

    @Test
    void vectorKernelsAgreeWithScalarOnesAtEverySize() {
        Random r = new Random(11);
        for (int n = 1; n <= 70; n += 3) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * (i % 7 == 0 ? 30 : 3));
            }
            for (boolean silu : new boolean[] {true, false}) {
                float[] expected = x.clone();
                float[] actual = x.clone();
                if (silu) {
                    SCALAR.silu(expected, 2, n);
                    VECTOR.silu(actual, 2, n);
                } else {
                    SCALAR.geluTanh(expected, 2, n);
                    VECTOR.geluTanh(actual, 2, n);
                }
                for (int i = 0; i < x.length; i++) {
                    if (i < 2 || i >= n + 2) {
                        assertEquals(x[i], actual[i], "outside the range at " + i);
                    } else {
                        double tol = 1e-6 * Math.max(1, Math.abs(expected[i]));
                        assertTrue(Math.abs(expected[i] - actual[i]) <= tol, (silu ? "silu(" : "gelu_tanh(") + x[i]
                                + "): scalar " + expected[i] + ", vector " + actual[i]);
                    }
                }
            }
        }
    }
}
