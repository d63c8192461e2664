package dev.st4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API at the CPU's preferred width. Only {@link KernelsChoice} loads this class, and only
 * when {@code jdk.incubator.vector} is present. Loop tails (sizes not a multiple of the lane count) run scalar.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private VectorKernels() {}

    /** The kernels, or null when vectors are too narrow to beat scalar code. */
    static Kernels createIfUseful() {
        return S.vectorBitSize() >= 128 ? new VectorKernels() : null;
    }

    @Override
    public String describe() {
        return "vector API " + S.vectorBitSize() + "-bit";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        float sum = 0;
        if (bound > 0) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            for (; i + 2 * L <= bound; i += 2 * L) {
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
                acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
            }
            for (; i < bound; i += L) {
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void matmul(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out) {
        TiledMatmul.run(parallel, x, rows, w, bias, out, this::tile);
    }

    /**
     * 4 rows of x against 4 rows of the tile at a time: 16 accumulators, and each loaded vector feeds four FMAs,
     * which keeps the loop bound by FMA throughput rather than by loads.
     */
    private void tile(float[] x, int rowStart, int rowEnd, float[] tile, int tileRows, int k, float[] out, int n,
            int c0, float[] bias) {
        int bound = S.loopBound(k);
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            int j = 0;
            for (; j + 4 <= tileRows; j += 4) {
                block4x4(x, r * k, k, tile, j * k, bound, out, r * n + c0 + j, n, bias, c0 + j);
            }
            for (; j < tileRows; j++) {
                for (int rr = r; rr < r + 4; rr++) {
                    out[rr * n + c0 + j] = (bias == null ? 0f : bias[c0 + j]) + dot(x, rr * k, tile, j * k, k);
                }
            }
        }
        for (; r < rowEnd; r++) {
            for (int j = 0; j < tileRows; j++) {
                out[r * n + c0 + j] = (bias == null ? 0f : bias[c0 + j]) + dot(x, r * k, tile, j * k, k);
            }
        }
    }

    private static void block4x4(float[] x, int xo, int k, float[] w, int wo, int bound, float[] out, int oo, int n,
            float[] bias, int bo) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int x1 = xo + k, x2 = xo + 2 * k, x3 = xo + 3 * k;
        int w1 = wo + k, w2 = wo + 2 * k, w3 = wo + 3 * k;
        for (int i = 0; i < bound; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, w, wo + i);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + i);
            FloatVector v2 = FloatVector.fromArray(S, w, w2 + i);
            FloatVector v3 = FloatVector.fromArray(S, w, w3 + i);
            FloatVector u = FloatVector.fromArray(S, x, xo + i);
            a00 = u.fma(v0, a00);
            a01 = u.fma(v1, a01);
            a02 = u.fma(v2, a02);
            a03 = u.fma(v3, a03);
            u = FloatVector.fromArray(S, x, x1 + i);
            a10 = u.fma(v0, a10);
            a11 = u.fma(v1, a11);
            a12 = u.fma(v2, a12);
            a13 = u.fma(v3, a13);
            u = FloatVector.fromArray(S, x, x2 + i);
            a20 = u.fma(v0, a20);
            a21 = u.fma(v1, a21);
            a22 = u.fma(v2, a22);
            a23 = u.fma(v3, a23);
            u = FloatVector.fromArray(S, x, x3 + i);
            a30 = u.fma(v0, a30);
            a31 = u.fma(v1, a31);
            a32 = u.fma(v2, a32);
            a33 = u.fma(v3, a33);
        }
        float[] s = {
            a00.reduceLanes(VectorOperators.ADD), a01.reduceLanes(VectorOperators.ADD),
            a02.reduceLanes(VectorOperators.ADD), a03.reduceLanes(VectorOperators.ADD),
            a10.reduceLanes(VectorOperators.ADD), a11.reduceLanes(VectorOperators.ADD),
            a12.reduceLanes(VectorOperators.ADD), a13.reduceLanes(VectorOperators.ADD),
            a20.reduceLanes(VectorOperators.ADD), a21.reduceLanes(VectorOperators.ADD),
            a22.reduceLanes(VectorOperators.ADD), a23.reduceLanes(VectorOperators.ADD),
            a30.reduceLanes(VectorOperators.ADD), a31.reduceLanes(VectorOperators.ADD),
            a32.reduceLanes(VectorOperators.ADD), a33.reduceLanes(VectorOperators.ADD),
        };
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                float sum = s[r * 4 + c];
                for (int i = bound; i < k; i++) {
                    sum = Math.fma(x[xo + r * k + i], w[wo + c * k + i], sum);
                }
                out[oo + r * n + c] = (bias == null ? 0f : bias[bo + c]) + sum;
            }
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) {
                m = m.max(FloatVector.fromArray(S, x, off + i));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0;
        i = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += L) {
                FloatVector e = FloatVector.fromArray(S, x, off + i).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(x, off + i);
                acc = acc.add(e);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    @Override
    public void addLayerNorm(float[] x, int off, float[] residual, int n, float[] gamma, float[] beta, float eps) {
        int bound = S.loopBound(n);
        int i = 0;
        float sum = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            if (residual != null) {
                v = v.add(FloatVector.fromArray(S, residual, off + i));
                v.intoArray(x, off + i);
            }
            acc = acc.add(v);
        }
        sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = residual == null ? x[off + i] : x[off + i] + residual[off + i];
            x[off + i] = v;
            sum += v;
        }
        float mean = sum / n;
        acc = FloatVector.zero(S);
        i = 0;
        for (; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(mean);
            acc = d.fma(d, acc);
        }
        float sq = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = x[off + i] - mean;
            sq = Math.fma(d, d, sq);
        }
        float inv = (float) (1.0 / Math.sqrt(sq / n + eps));
        i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, off + i).sub(mean).mul(inv)
                    .fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
                    .intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = (x[off + i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector z = v.abs().mul((float) Erf.FRAC_1_SQRT_2);
            FloatVector t = ONE.div(z.fma(0.5f, 1f));
            FloatVector p = FloatVector.broadcast(S, (float) Erf.P[Erf.P.length - 1]);
            for (int c = Erf.P.length - 2; c >= 0; c--) {
                p = p.fma(t, FloatVector.broadcast(S, (float) Erf.P[c]));
            }
            FloatVector erfc = t.mul(z.mul(z).neg().add(p).lanewise(VectorOperators.EXP));
            // x < 0: x * erfc / 2; x >= 0: x * (2 - erfc) / 2
            FloatVector factor = erfc.neg().add(2f).blend(erfc, v.compare(VectorOperators.LT, 0f));
            v.mul(factor).mul(0.5f).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = ScalarKernels.gelu(x[off + i]);
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, a);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }
}
