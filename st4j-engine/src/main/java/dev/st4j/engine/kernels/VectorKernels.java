package dev.st4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API at the CPU's preferred width. Only {@link KernelsChoice} loads this class, and only
 * when {@code jdk.incubator.vector} is present. Loop tails (sizes not a multiple of the lane count) run scalar.
 */
final class VectorKernels extends TiledKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector P0 = FloatVector.broadcast(S, (float) Erf.P[0]);
    private static final FloatVector P1 = FloatVector.broadcast(S, (float) Erf.P[1]);
    private static final FloatVector P2 = FloatVector.broadcast(S, (float) Erf.P[2]);
    private static final FloatVector P3 = FloatVector.broadcast(S, (float) Erf.P[3]);
    private static final FloatVector P4 = FloatVector.broadcast(S, (float) Erf.P[4]);
    private static final FloatVector P5 = FloatVector.broadcast(S, (float) Erf.P[5]);
    private static final FloatVector P6 = FloatVector.broadcast(S, (float) Erf.P[6]);
    private static final FloatVector P7 = FloatVector.broadcast(S, (float) Erf.P[7]);
    private static final FloatVector P8 = FloatVector.broadcast(S, (float) Erf.P[8]);
    private static final FloatVector P9 = FloatVector.broadcast(S, (float) Erf.P[9]);

    /** Lane {@code i} to {@code i ^ h} for h = L/2, L/4, ..., 1: the fixed tree of {@link #sum}. */
    private static final VectorShuffle<Float>[] HALVES = halves();
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 in two parts, so that {@code x - n ln 2} is exact for the n that occur. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Adding then subtracting 1.5 * 2^23 rounds a float to the nearest integer (ties to even). */
    private static final float ROUND = 12582912f;
    private static final FloatVector E1 = FloatVector.broadcast(S, 1.9875691500e-4f);
    private static final FloatVector E2 = FloatVector.broadcast(S, 1.3981999507e-3f);
    private static final FloatVector E3 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector E4 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector E5 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector E6 = FloatVector.broadcast(S, 5.0000001201e-1f);

    private VectorKernels() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[levels];
        for (int i = 0; i < levels; i++) {
            int h = L >> (i + 1);
            out[i] = VectorShuffle.fromOp(S, lane -> lane ^ h);
        }
        return out;
    }

    /**
     * The sum of the lanes in a fixed order. {@code reduceLanes(ADD)} leaves the order to the implementation, and
     * the interpreter's per-lane fallback and C2's intrinsic do use different orders, so a forward pass would give
     * other bits while its kernels are still being compiled; lane moves and adds are exact in every tier.
     */
    private static float sum(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.add(v.rearrange(h));
        }
        return v.lane(0);
    }

    /**
     * e^x for x <= 88 (0 below -87.3, where e^x is subnormal), within a few ulp: Cody-Waite reduction
     * x = n ln 2 + r, |r| <= ln 2 / 2, Cephes' degree-6 polynomial for e^r, and 2^n built in the exponent bits.
     * Only adds, multiplies, FMAs and bit moves, which give the same bits in every JIT tier; the Vector API's
     * {@code EXP} is computed by an intrinsic library when compiled and by {@link Math#exp} per lane otherwise,
     * and those differ in the last bit.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.min(88f);
        FloatVector t = c.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = c.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO)); // n * LN2_HI is exact: few bits each
        FloatVector p = r.fma(E1, E2).fma(r, E3).fma(r, E4).fma(r, E5).fma(r, E6).fma(r.mul(r), r).add(1f);
        // t's low mantissa bits hold n + 2^22 + 2^23 offset: (n + 127) << 23 is 2^n.
        FloatVector scale = t.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return p.mul(scale).blend(0f, x.compare(VectorOperators.LT, -87.3f));
    }

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
            sum = sum(acc0.add(acc1));
        }
        for (; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    TiledMatmul.Tile tile() {
        return VectorTile.INSTANCE;
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
                FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(max));
                e.intoArray(x, off + i);
                acc = acc.add(e);
            }
            sum = sum(acc);
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
        sum = sum(acc);
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
        float sq = sum(acc);
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
            // P(t) by Horner, unrolled: a loop here would carry vectors through a phi and defeat intrinsics.
            FloatVector p = t.fma(P9, P8).fma(t, P7).fma(t, P6).fma(t, P5).fma(t, P4).fma(t, P3).fma(t, P2)
                    .fma(t, P1).fma(t, P0);
            FloatVector erfc = t.mul(exp(z.mul(z).neg().add(p)));
            // x < 0: x * erfc / 2; x >= 0: x * (2 - erfc) / 2
            FloatVector factor = erfc.neg().add(2f).blend(erfc, v.compare(VectorOperators.LT, 0f));
            v.mul(factor).mul(0.5f).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = ScalarKernels.gelu(x[off + i]);
        }
    }

    /**
     * Keys are transposed to {@code [headSize, len rounded up to L]} (a gather per vector) so scores build up a
     * vector of keys at a time in registers; the weighted sum of values likewise accumulates in registers, a vector
     * of the head's dimensions at a time. Queries go four at a time so each loaded key or value vector feeds four
     * FMAs; a last block of fewer than four repeats its last query and drops the copies. The softmax's division
     * is applied to the output rows rather than to every score. The steps are methods of their own, each small
     * enough for C2 to inline the Vector API calls in it (a vector passed to a method that is not inlined is
     * boxed, and one large method ran past C2's inlining node budget).
     *
     * <p>Measured against the previous version (scalar transpose, one query at a time for the last {@code len % 4},
     * one FMA chain per query when the keys fill one vector, softmax normalising every score), thread CPU time per
     * sequence and layer of all-MiniLM-L6-v2's 12 heads on the 2-core AMD EPYC (AVX-512), median of
     * interleaved runs at load average 10: len 16 19.2 -> 15.4 us, len 27 47.7 -> 43.1, len 48 86 -> 81,
     * len 200 1213 -> 1186. Rejected: the exponentials of the four rows interleaved in one loop (four exp chains in
     * flight instead of one row's latency after another): C2 inlines only the first exp there
     * (NodeCountInliningCutoff), the other three box their vectors and it ran 1.3-1.5x slower. The exponential is
     * about 40% of this kernel (measured by skipping it).
     */
    @Override
    public void attention(float[] qkv, int stride, int qOff, int kOff, int vOff, int len, int headSize,
            float scale, ScoreBias bias, float[] out, int outOff, int outStride) {
        int padded = (len + L - 1) / L * L;
        // Scratch per call (at most ~140 KB, small next to the attention itself), so nothing outlives the model
        // in a caller's thread.
        float[] keysT = transposedKeys(qkv, stride, kOff, len, headSize, padded);
        float[] scores = new float[4 * padded];
        float[] inv = new float[4];
        for (int i = 0; i < len; i += 4) {
            int rows = Math.min(4, len - i);
            int q0 = qOff + i * stride;
            int q1 = qOff + Math.min(i + 1, len - 1) * stride;
            int q2 = qOff + Math.min(i + 2, len - 1) * stride;
            int q3 = qOff + Math.min(i + 3, len - 1) * stride;
            scores4(qkv, q0, q1, q2, q3, keysT, headSize, padded, scale, scores);
            for (int r = 0; r < 4; r++) {
                if (bias != null) {
                    bias.addTo(Math.min(i + r, len - 1), scores, r * padded, len);
                }
                // Padding keys get -inf, so the softmax runs over whole vectors and gives them weight 0.
                java.util.Arrays.fill(scores, r * padded + len, (r + 1) * padded, Float.NEGATIVE_INFINITY);
                inv[r] = 1f / expInPlace(scores, r * padded, padded);
            }
            values4(scores, padded, inv, rows, qkv, vOff, stride, len, headSize, out, outOff + i * outStride,
                    outStride);
        }
    }

    /**
     * {@code keysT[d * padded + j]} = key {@code j}'s dimension {@code d}. Lanes past the last key read the block's
     * first key again (a gather checks every lane's index, masked or not): those columns only feed scores that
     * become -inf.
     */
    private static float[] transposedKeys(float[] qkv, int stride, int kOff, int len, int headSize, int padded) {
        float[] keysT = new float[headSize * padded];
        int[] index = new int[L];
        for (int jb = 0; jb < padded; jb += L) {
            for (int j = 0; j < L; j++) {
                index[j] = jb + j < len ? j * stride : 0;
            }
            int k0 = kOff + jb * stride;
            for (int d = 0; d < headSize; d++) {
                FloatVector.fromArray(S, qkv, k0 + d, index, 0).intoArray(keysT, d * padded + jb);
            }
        }
        return keysT;
    }

    /** {@code scores[r * padded + j] = scale * q_r . k_j} for the four queries at {@code q0..q3} and every key. */
    private static void scores4(float[] q, int q0, int q1, int q2, int q3, float[] keysT, int headSize, int padded,
            float scale, float[] scores) {
        int jb = 0;
        // Two key vectors at once: eight independent FMA chains hide the FMA latency.
        for (; jb + 2 * L <= padded; jb += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int d = 0; d < headSize; d++) {
                FloatVector kv = FloatVector.fromArray(S, keysT, d * padded + jb);
                FloatVector kw = FloatVector.fromArray(S, keysT, d * padded + jb + L);
                FloatVector u = FloatVector.broadcast(S, q[q0 + d]);
                a0 = u.fma(kv, a0);
                c0 = u.fma(kw, c0);
                u = FloatVector.broadcast(S, q[q1 + d]);
                a1 = u.fma(kv, a1);
                c1 = u.fma(kw, c1);
                u = FloatVector.broadcast(S, q[q2 + d]);
                a2 = u.fma(kv, a2);
                c2 = u.fma(kw, c2);
                u = FloatVector.broadcast(S, q[q3 + d]);
                a3 = u.fma(kv, a3);
                c3 = u.fma(kw, c3);
            }
            a0.mul(scale).intoArray(scores, jb);
            c0.mul(scale).intoArray(scores, jb + L);
            a1.mul(scale).intoArray(scores, padded + jb);
            c1.mul(scale).intoArray(scores, padded + jb + L);
            a2.mul(scale).intoArray(scores, 2 * padded + jb);
            c2.mul(scale).intoArray(scores, 2 * padded + jb + L);
            a3.mul(scale).intoArray(scores, 3 * padded + jb);
            c3.mul(scale).intoArray(scores, 3 * padded + jb + L);
        }
        if (jb < padded) {
            // One key vector left: even and odd dimensions in separate chains, again eight in flight.
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            int d = 0;
            for (; d + 2 <= headSize; d += 2) {
                FloatVector kv = FloatVector.fromArray(S, keysT, d * padded + jb);
                FloatVector kw = FloatVector.fromArray(S, keysT, (d + 1) * padded + jb);
                a0 = FloatVector.broadcast(S, q[q0 + d]).fma(kv, a0);
                c0 = FloatVector.broadcast(S, q[q0 + d + 1]).fma(kw, c0);
                a1 = FloatVector.broadcast(S, q[q1 + d]).fma(kv, a1);
                c1 = FloatVector.broadcast(S, q[q1 + d + 1]).fma(kw, c1);
                a2 = FloatVector.broadcast(S, q[q2 + d]).fma(kv, a2);
                c2 = FloatVector.broadcast(S, q[q2 + d + 1]).fma(kw, c2);
                a3 = FloatVector.broadcast(S, q[q3 + d]).fma(kv, a3);
                c3 = FloatVector.broadcast(S, q[q3 + d + 1]).fma(kw, c3);
            }
            for (; d < headSize; d++) {
                FloatVector kv = FloatVector.fromArray(S, keysT, d * padded + jb);
                a0 = FloatVector.broadcast(S, q[q0 + d]).fma(kv, a0);
                a1 = FloatVector.broadcast(S, q[q1 + d]).fma(kv, a1);
                a2 = FloatVector.broadcast(S, q[q2 + d]).fma(kv, a2);
                a3 = FloatVector.broadcast(S, q[q3 + d]).fma(kv, a3);
            }
            a0.add(c0).mul(scale).intoArray(scores, jb);
            a1.add(c1).mul(scale).intoArray(scores, padded + jb);
            a2.add(c2).mul(scale).intoArray(scores, 2 * padded + jb);
            a3.add(c3).mul(scale).intoArray(scores, 3 * padded + jb);
        }
    }

    /**
     * Replaces {@code x[off, off + n)} (n a multiple of L) by {@code e^(x - max)} and returns their sum: a softmax
     * without its division.
     */
    private static float expInPlace(float[] x, int off, int n) {
        FloatVector m = FloatVector.fromArray(S, x, off);
        for (int i = L; i < n; i += L) {
            m = m.max(FloatVector.fromArray(S, x, off + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(max));
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        return sum(acc);
    }

    /**
     * {@code out[r] = inv[r] * sum_j scores[r * padded + j] v_j} for the first {@code rows} of four query rows,
     * row {@code r} written at {@code o0 + r * outStride}.
     */
    private static void values4(float[] scores, int padded, float[] inv, int rows, float[] v, int vOff, int stride,
            int len, int headSize, float[] out, int o0, int outStride) {
        int d = 0;
        for (; d + 2 * L <= headSize; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int j = 0; j < len; j++) {
                int vj = vOff + j * stride + d;
                FloatVector vv = FloatVector.fromArray(S, v, vj);
                FloatVector vw = FloatVector.fromArray(S, v, vj + L);
                FloatVector u = FloatVector.broadcast(S, scores[j]);
                a0 = u.fma(vv, a0);
                c0 = u.fma(vw, c0);
                u = FloatVector.broadcast(S, scores[padded + j]);
                a1 = u.fma(vv, a1);
                c1 = u.fma(vw, c1);
                u = FloatVector.broadcast(S, scores[2 * padded + j]);
                a2 = u.fma(vv, a2);
                c2 = u.fma(vw, c2);
                u = FloatVector.broadcast(S, scores[3 * padded + j]);
                a3 = u.fma(vv, a3);
                c3 = u.fma(vw, c3);
            }
            a0.mul(inv[0]).intoArray(out, o0 + d);
            c0.mul(inv[0]).intoArray(out, o0 + d + L);
            if (rows > 1) {
                a1.mul(inv[1]).intoArray(out, o0 + outStride + d);
                c1.mul(inv[1]).intoArray(out, o0 + outStride + d + L);
            }
            if (rows > 2) {
                a2.mul(inv[2]).intoArray(out, o0 + 2 * outStride + d);
                c2.mul(inv[2]).intoArray(out, o0 + 2 * outStride + d + L);
            }
            if (rows > 3) {
                a3.mul(inv[3]).intoArray(out, o0 + 3 * outStride + d);
                c3.mul(inv[3]).intoArray(out, o0 + 3 * outStride + d + L);
            }
        }
        for (; d + L <= headSize; d += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int j = 0; j < len; j++) {
                FloatVector vv = FloatVector.fromArray(S, v, vOff + j * stride + d);
                a0 = FloatVector.broadcast(S, scores[j]).fma(vv, a0);
                a1 = FloatVector.broadcast(S, scores[padded + j]).fma(vv, a1);
                a2 = FloatVector.broadcast(S, scores[2 * padded + j]).fma(vv, a2);
                a3 = FloatVector.broadcast(S, scores[3 * padded + j]).fma(vv, a3);
            }
            a0.mul(inv[0]).intoArray(out, o0 + d);
            if (rows > 1) {
                a1.mul(inv[1]).intoArray(out, o0 + outStride + d);
            }
            if (rows > 2) {
                a2.mul(inv[2]).intoArray(out, o0 + 2 * outStride + d);
            }
            if (rows > 3) {
                a3.mul(inv[3]).intoArray(out, o0 + 3 * outStride + d);
            }
        }
        for (int r = 0; r < rows; r++) {
            weightedValuesTail(scores, r * padded, inv[r], v, vOff, stride, len, d, headSize, out,
                    o0 + r * outStride);
        }
    }

    /** The head dimensions {@code [from, headSize)} that do not fill a vector. */
    private static void weightedValuesTail(float[] scores, int sOff, float inv, float[] v, int vOff, int stride,
            int len, int from, int headSize, float[] out, int outOff) {
        for (int d = from; d < headSize; d++) {
            float sum = 0;
            for (int j = 0; j < len; j++) {
                sum = Math.fma(scores[sOff + j], v[vOff + j * stride + d], sum);
            }
            out[outOff + d] = sum * inv;
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

    @Override
    public void silu(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, off + i);
        }
        ScalarKernels.INSTANCE.silu(x, off + i, n - i);
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    /** Through {@code (1 + tanh(u)) / 2 = 1 / (1 + exp(-2u))}, one exponential per lane. */
    @Override
    public void geluTanh(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector u = v.mul(v).fma(0.044715f, 1f).mul(v).mul(-2 * SQRT_2_OVER_PI);
            v.div(u.lanewise(VectorOperators.EXP).add(1f)).intoArray(x, off + i);
        }
        ScalarKernels.INSTANCE.geluTanh(x, off + i, n - i);
    }
}
