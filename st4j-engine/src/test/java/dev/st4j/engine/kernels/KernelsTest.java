package dev.st4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API kernels agree with the scalar ones on random inputs, at sizes that are not multiples of any
 * vector width; and the scalar ones agree with double-precision formulas.
 */
class KernelsTest {
    static final Kernels SCALAR = Kernels.scalar();
    static final Kernels VECTOR = Kernels.preferred();
    static final Parallel PARALLEL = new Parallel(2);
    static final double RELATIVE = 1e-5;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /** |a - b| <= 1e-5 * max(1, |b|) element-wise (relative, with an absolute floor near zero). */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = RELATIVE * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void theVectorApiKernelsAreInUse() {
        assertTrue(VECTOR.describe().startsWith("vector API "), VECTOR.describe());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 383, 385})
    void matmulAgrees(int size) {
        Random r = new Random(size);
        int rows = size == 1 ? 1 : 13;
        int out = size;
        float[] x = random(r, rows * size, 1);
        float[] w = random(r, out * size, 0.1);
        float[] bias = random(r, out, 1);
        float[] expected = new float[rows * out];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < out; j++) {
                double sum = bias[j];
                for (int t = 0; t < size; t++) {
                    sum += (double) x[i * size + t] * w[j * size + t];
                }
                expected[i * out + j] = (float) sum;
            }
        }
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            float[] actual = new float[rows * out];
            k.matmul(PARALLEL, x, rows, WeightMatrix.of(w, out, size), bias, actual);
            assertClose(expected, actual, k.describe() + " matmul " + size);
            float[] activated = new float[rows * out];
            k.matmulGelu(PARALLEL, x, rows, WeightMatrix.of(w, out, size), bias, activated);
            SCALAR.gelu(actual, 0, actual.length);
            assertClose(actual, activated, k.describe() + " matmulGelu " + size);
        }
        // Stacked matrices act as one matrix of all their rows.
        int half = out / 2;
        WeightMatrix stacked = WeightMatrix.stack(
                WeightMatrix.of(java.util.Arrays.copyOf(w, half * size), half, size),
                WeightMatrix.of(java.util.Arrays.copyOfRange(w, half * size, out * size), out - half, size));
        float[] viaStack = new float[rows * out];
        VECTOR.matmul(PARALLEL, x, rows, stacked, bias, viaStack);
        assertClose(expected, viaStack, "stacked matmul " + size);
        // A tall x exercises the six-row vector kernel and its remainder.
        int tall = 75;
        float[] x2 = random(r, tall * size, 1);
        float[] a = new float[tall * out];
        float[] b = new float[tall * out];
        SCALAR.matmul(PARALLEL, x2, tall, WeightMatrix.of(w, out, size), null, a);
        VECTOR.matmul(PARALLEL, x2, tall, WeightMatrix.of(w, out, size), null, b);
        assertClose(a, b, "matmul tall " + size);
    }

    /**
     * Every output of the vector tile is {@code bias} plus the products added by FMAs in order of the inner index,
     * as a plain {@code Math.fma} loop computes it: so the same bits, whatever the register block, the row's place
     * in it (full blocks, the zero-padded remainder, a one-row matmul) or a partial column block.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 5, 6, 7, 13, 72, 77, 150})
    void vectorMatmulGivesTheBitsOfInOrderFmas(int rows) {
        Random r = new Random(rows);
        for (int[] shape : new int[][] {{384, 384}, {37, 100}, {64, 16}, {5, 200}}) {
            int k = shape[0];
            int n = shape[1];
            float[] x = random(r, rows * k, 1);
            float[] w = random(r, n * k, 0.1);
            float[] bias = random(r, n, 1);
            float[] expected = new float[rows * n];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = bias[j];
                    for (int t = 0; t < k; t++) {
                        acc = Math.fma(x[i * k + t], w[j * k + t], acc);
                    }
                    expected[i * n + j] = acc;
                }
            }
            WeightMatrix view = WeightMatrix.of(w, n, k);
            for (WeightMatrix m : new WeightMatrix[] {view, VECTOR.prepare(view)}) {
                float[] actual = new float[rows * n];
                VECTOR.matmul(PARALLEL, x, rows, m, bias, actual);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual,
                        rows + "x" + k + "x" + n + (m == view ? " packed per call" : " packed at load"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 383, 385})
    void weightsPackedAtLoadGiveTheSameBitsAsPackingPerCall(int size) {
        Random r = new Random(size + 5L);
        // 221 rows: packed weights cut the rows into chunks of whole row blocks (one task each), per call they don't.
        int rows = size == 385 ? 221 : 31;
        int out = size + 9;
        float[] x = random(r, rows * size, 1);
        float[] w = random(r, out * size, 0.1);
        float[] bias = random(r, out, 1);
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            WeightMatrix view = WeightMatrix.of(w, out, size);
            WeightMatrix packed = k.prepare(view);
            int cb = ((TiledKernels) k).tile().columns();
            assertEquals((long) (out + cb - 1) / cb * cb * size * Float.BYTES, packed.packedBytes(),
                    k.describe() + " packs the whole matrix once, padded to whole column blocks");
            assertEquals(0, view.packedBytes());
            WeightMatrix sixteenBit = new WeightMatrix() {
                public int rows() {
                    return out;
                }

                public int columns() {
                    return size;
                }

                public void readRows(int first, int count, float[] dst, int off) {
                    view.readRows(first, count, dst, off);
                }

                public int storedBytes() {
                    return 2;
                }
            };
            assertTrue(k.prepare(sixteenBit) == sixteenBit, "16-bit weights stay mapped");
            float[] back = new float[out * size];
            packed.readRows(0, out, back, 0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(w, back, "packing keeps every weight");
            for (boolean gelu : new boolean[] {false, true}) {
                float[] a = new float[rows * out];
                float[] b = new float[rows * out];
                if (gelu) {
                    k.matmulGelu(PARALLEL, x, rows, view, bias, a);
                    k.matmulGelu(PARALLEL, x, rows, packed, bias, b);
                } else {
                    k.matmul(PARALLEL, x, rows, view, bias, a);
                    k.matmul(PARALLEL, x, rows, packed, bias, b);
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, k.describe() + " gelu=" + gelu);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 383, 385})
    void dotAxpySoftmaxLayerNormAndGeluAgree(int n) {
        Random r = new Random(n * 31L);
        float[] a = random(r, n + 3, 1);
        float[] b = random(r, n + 3, 1);
        double dot = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) a[i + 3] * b[i + 1];
        }
        assertClose(new float[] {(float) dot}, new float[] {SCALAR.dot(a, 3, b, 1, n)}, "scalar dot");
        assertClose(new float[] {(float) dot}, new float[] {VECTOR.dot(a, 3, b, 1, n)}, "vector dot");

        float[] y1 = b.clone();
        float[] y2 = b.clone();
        SCALAR.axpy(0.7f, a, 2, y1, 1, n);
        VECTOR.axpy(0.7f, a, 2, y2, 1, n);
        assertClose(y1, y2, "axpy");

        float[] s1 = random(r, n + 2, 3);
        float[] s2 = s1.clone();
        SCALAR.softmax(s1, 2, n);
        VECTOR.softmax(s2, 2, n);
        assertClose(s1, s2, "softmax");
        double total = 0;
        for (int i = 2; i < n + 2; i++) {
            total += s2[i];
        }
        assertEquals(1.0, total, 1e-5);

        float[] gamma = random(r, n, 1);
        float[] beta = random(r, n, 1);
        float[] residual = random(r, n + 5, 1);
        float[] l1 = random(r, n + 5, 2);
        float[] l2 = l1.clone();
        SCALAR.addLayerNorm(l1, 5, residual, n, gamma, beta, 1e-12f);
        VECTOR.addLayerNorm(l2, 5, residual, n, gamma, beta, 1e-12f);
        assertClose(l1, l2, "layerNorm");

        float[] g1 = random(r, n + 1, 3);
        float[] g2 = g1.clone();
        SCALAR.gelu(g1, 1, n);
        VECTOR.gelu(g2, 1, n);
        assertClose(g1, g2, "gelu");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 383, 385})
    void attentionAgrees(int len) {
        Random r = new Random(len);
        for (int headSize : new int[] {32, 7}) {
            int stride = 3 * headSize + 5;
            int base = 2;
            float[] qkv = random(r, base + len * stride, 1);
            int outStride = headSize + 3;
            float[] a = new float[1 + len * outStride];
            float[] b = new float[1 + len * outStride];
            SCALAR.attention(qkv, stride, base, base + headSize, base + 2 * headSize, len, headSize, 0.3f, a, 1,
                    outStride);
            VECTOR.attention(qkv, stride, base, base + headSize, base + 2 * headSize, len, headSize, 0.3f, b, 1,
                    outStride);
            assertClose(a, b, "attention len " + len + " head " + headSize);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6, 37})
    void attentionAddsTheScoreBiasBeforeSoftmax(int len) {
        Random r = new Random(len);
        int headSize = 19;
        int stride = 3 * headSize;
        float scale = 0.2f;
        float[] qkv = random(r, len * stride, 1);
        float[] bias = random(r, len * len, 2);
        ScoreBias hook = (query, scores, off, n) -> {
            for (int j = 0; j < n; j++) {
                scores[off + j] += bias[query * len + j];
            }
        };
        // softmax_j(scale * q_i . k_j + bias[i][j]) v_j, in double precision.
        float[] expected = new float[len * headSize];
        for (int i = 0; i < len; i++) {
            double[] p = new double[len];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                double dot = 0;
                for (int d = 0; d < headSize; d++) {
                    dot += (double) qkv[i * stride + d] * qkv[j * stride + headSize + d];
                }
                p[j] = scale * dot + bias[i * len + j];
                max = Math.max(max, p[j]);
            }
            double sum = 0;
            for (int j = 0; j < len; j++) {
                p[j] = Math.exp(p[j] - max);
                sum += p[j];
            }
            for (int d = 0; d < headSize; d++) {
                double o = 0;
                for (int j = 0; j < len; j++) {
                    o += p[j] / sum * qkv[j * stride + 2 * headSize + d];
                }
                expected[i * headSize + d] = (float) o;
            }
        }
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            float[] out = new float[len * headSize];
            k.attention(qkv, stride, 0, headSize, 2 * headSize, len, headSize, scale, hook, out, 0, headSize);
            assertClose(expected, out, k.describe() + " biased attention len " + len);
        }
    }

    @Test
    void geluIsExactErfGeluToFloatPrecision() {
        float[] x = new float[2001];
        for (int i = 0; i < x.length; i++) {
            x[i] = -10 + i * 0.01f;
        }
        float[] s = x.clone();
        float[] v = x.clone();
        SCALAR.gelu(s, 0, s.length);
        VECTOR.gelu(v, 0, v.length);
        for (int i = 0; i < x.length; i++) {
            double exact = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
            double tol = 2e-7 * Math.max(1, Math.abs(exact));
            assertEquals(exact, s[i], tol, "scalar gelu(" + x[i] + ")");
            assertEquals(exact, v[i], 4 * tol, "vector gelu(" + x[i] + ")");
        }
    }

    /** erf by its Maclaurin series (|z| <= 2.5) or continued fraction of erfc: an independent double reference. */
    static double erf(double z) {
        double a = Math.abs(z);
        double result;
        if (a <= 2.5) {
            double term = a;
            double sum = a;
            for (int n = 1; n < 200; n++) {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (a + f);
            }
            result = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
        }
        return Math.copySign(result, z);
    }
}
