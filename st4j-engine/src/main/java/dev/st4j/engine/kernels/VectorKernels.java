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
    /**
     * Adding then subtracting 1.5 * 2^23 rounds a float to the nearest integer; the extra 127 (the float exponent
     * bias) leaves n + 127 in the low bits of the sum.
     */
    private static final float ROUND_BIASED = 12582912f + 127f;
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
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
     *
     * <p>16 vector operations (was 20): no clamp to 88, above which 2^n overflows (every caller passes x <= 0:
     * max-subtracted scores, GELU's {@code -z^2 + P(t)}), the reduction as two FMAs ({@code n * LN2_HI} is exact, so the first gives the same
     * bits as a multiply and a subtract; the second rounds once instead of twice), and the rounding constant
     * carries the exponent bias, so 2^n is one shift of t's bits. Measured with {@code OpProfile} (thread CPU
     * time, one thread, interleaved runs at load average 7-8): softmax over [t * 12, 128] 3441/3354 -> 2919/2835
     * us; for GELU and attention see there.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.fma(LOG2E, ROUND_BIASED);
        FloatVector n = t.sub(ROUND_BIASED);
        FloatVector r = n.fma(MINUS_LN2_HI, x);
        r = n.fma(MINUS_LN2_LO, r);
        FloatVector p = r.fma(E1, E2).fma(r, E3).fma(r, E4).fma(r, E5).fma(r, E6).fma(r.mul(r), r).add(1f);
        // t = n + 127 + 1.5 * 2^23 lies in [2^23, 2^24), so its low bits are n + 127 and the rest of its bits
        // shift out: t's bits << 23 are 2^n.
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
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

    /**
     * {@code erfc} as {@link Erf} computes it, vectorised. Measured with {@code OpProfile} over [864 x 1536]
     * (thread CPU time, interleaved, load 7-8): 1321/1335 -> 1132/1117 us (the cheaper {@link #exp}, the halving
     * folded, {@code p - z^2} without a negation); the up-projection's fused GELU epilogue costs the same as this
     * pass alone (up + GELU 11,336 us, up alone 10,008, down 9,422: the GELU is 1.3 of the 1.9 ms gap).
     * Rejected: two vectors per iteration (each through an array-to-array helper), for more independent work in
     * flight: 1729/1530 -> 1709/1474 us at 864 rows, 6937/6197 -> 6253/6059 at 4096, within the noise of the
     * load average 9 it was measured at. In the matmul epilogue, one call per row over a task's whole group of
     * columns instead of one per row and 32-column block: the epilogue's cost (up + GELU minus up alone, 864 /
     * 4096 rows) 1282/1175 and 5972/5726 us -> 1267/1827 and 5922/5465, noise at load 11; not kept.
     */
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
            // erfc / 2 (halving is exact, so this folds GELU's final halving in with the same bits).
            FloatVector half = t.mul(exp(p.sub(z.mul(z)))).mul(0.5f);
            // x < 0: x * erfc / 2; x >= 0: x * (1 - erfc / 2)
            FloatVector factor = ONE.sub(half).blend(half, v.compare(VectorOperators.LT, 0f));
            v.mul(factor).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = ScalarKernels.gelu(x[off + i]);
        }
    }

    @Override
    public int attentionWorkFloats(int len, int headSize) {
        // Transposed keys, four rows of scores, four reciprocal sums; or L transposed queries, their scores
        // against every key (rounded up to 8), L reciprocal sums.
        return Math.max((headSize + 4) * padded(len) + 4, (headSize + (len + 7) / 8 * 8 + 1) * L);
    }

    private static int padded(int len) {
        return (len + L - 1) / L * L;
    }

    /**
     * Two layouts. Sequences shorter than {@link #QUERY_LANES_BELOW} without a score bias put queries in the
     * lanes ({@link #attentionByQueryLanes}). Otherwise, keys in the lanes, as follows.
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
     *
     * <p>The scratch (transposed keys, scores, sums) lives in the caller's {@code work} (it was ~4.7 KB of new
     * arrays per call at 27 tokens, 1.8 MB per layer of a 32-text batch) and the gather offsets in a table kept
     * per stride. With the cheaper {@link #exp}, {@code OpProfile} (32 sequences x 12 heads, thread CPU time,
     * interleaved, load 7-8): len 16 501/488 -> 423/447 us, len 27 1569/1482 -> 1438/1444, len 128
     * 17504/17618 -> 16204/16736. Rejected: {@link #sum} written out level by level with a constant shuffle
     * each (JFR put 26% of this kernel's samples on {@code sum}'s last line): 1269 -> 1259 us at len 27, noise;
     * {@code reduceLanes(ADD)} there instead (not tier-stable, timing only): 1246 us at len 27, 381 at 16 (-12%),
     * so the horizontal sums are not where the short sequences lose at 27 tokens (padding keys to 32 and the
     * row-by-row softmax are; hence the query-lanes path).
     *
     * <p>Seen while measuring, not fixed: in 2 of about 14 {@code OpProfile} JVMs the compiled kernel boxed
     * vectors (70 MB allocated per layer at 128 tokens, about 3 boxes per exponential, so most likely
     * {@link #exp} left out of line at a call site) and ran ~1.5x slower for the rest of the run (16.5 -> 25.1 ms
     * at 128 tokens). {@code exp} is 125 bytes of bytecode, above C2's always-inline size (35), so it is inlined
     * only where the call site's profile counts as hot when the caller is compiled.
     */
    @Override
    public void attention(float[] qkv, int stride, int qOff, int kOff, int vOff, int len, int headSize,
            float scale, ScoreBias bias, float[] out, int outOff, int outStride, float[] work) {
        if (bias == null && len < QUERY_LANES_BELOW) {
            attentionByQueryLanes(qkv, stride, qOff, kOff, vOff, len, headSize, scale, out, outOff, outStride, work);
            return;
        }
        int padded = padded(len);
        int scores = headSize * padded;
        int inv = scores + 4 * padded;
        transposeKeys(qkv, stride, kOff, len, headSize, padded, work);
        for (int i = 0; i < len; i += 4) {
            int rows = Math.min(4, len - i);
            int q0 = qOff + i * stride;
            int q1 = qOff + Math.min(i + 1, len - 1) * stride;
            int q2 = qOff + Math.min(i + 2, len - 1) * stride;
            int q3 = qOff + Math.min(i + 3, len - 1) * stride;
            scores4(qkv, q0, q1, q2, q3, work, headSize, padded, scale, work, scores);
            for (int r = 0; r < 4; r++) {
                int row = scores + r * padded;
                if (bias != null) {
                    bias.addTo(Math.min(i + r, len - 1), work, row, len);
                }
                // Padding keys get -inf, so the softmax runs over whole vectors and gives them weight 0.
                java.util.Arrays.fill(work, row + len, row + padded, Float.NEGATIVE_INFINITY);
                work[inv + r] = 1f / expInPlace(work, row, padded);
            }
            values4(work, scores, padded, 1, work, inv, rows, qkv, vOff, stride, len, headSize, out,
                    outOff + i * outStride, outStride);
        }
    }

    /**
     * Sequences shorter than this take {@link #attentionByQueryLanes} ({@code -Dst4j.attentionQueryLanesBelow=0}
     * turns it off, to compare). {@code OpProfile}, 32 sequences x 12 heads of 32, thread CPU time, the two
     * paths interleaved twice at load average 6 (us per layer, query lanes / keys in lanes): len 8 195/194 vs
     * 308/307, 16 346/362 vs 460/442, 27 945/937 vs 1316/1301, 40 1927/1955 vs 2447/2358, 48 2440/2375 vs
     * 2511/2518, 64 4215/4712 vs 4392/4434, 96 10594/10426 vs 9610/10005, 128 17936/17822 vs 16542, 256
     * 62596/62910 vs 59575: short sequences gain 20-37%, from 96 tokens on the keys-in-lanes path is 5-8% faster.
     */
    private static final int QUERY_LANES_BELOW = Integer.getInteger("st4j.attentionQueryLanesBelow", 64);

    /**
     * Attention with L queries in the lanes of a vector: the block's queries are transposed to
     * {@code qt[d * L + lane]} (a gather per dimension), each key's scores against all L of them build up in one
     * register (the key's dimensions broadcast from its row), so the softmax's max and sum run lane-wise over the
     * keys, with no horizontal reductions and no padded keys; then {@link #values4} reads the key-major scores
     * four queries at a time. Lanes past the last query repeat the block's first and are not written out; keys
     * go eight at a time, those past the last key repeat it and their scores are not read. (A four-key method
     * for the last four or fewer, 28 key scores instead of 32 at 27 tokens, was not measurably faster at load
     * average 9: 1641/1954 us against 1324/1167 for eight only; folded into one.)
     */
    private static void attentionByQueryLanes(float[] qkv, int stride, int qOff, int kOff, int vOff, int len,
            int headSize, float scale, float[] out, int outOff, int outStride, float[] work) {
        int scores = headSize * L;
        int inv = scores + (len + 7) / 8 * 8 * L;
        int[] index = gatherIndex(stride);
        for (int i0 = 0; i0 < len; i0 += L) {
            int valid = Math.min(L, len - i0);
            int q0 = qOff + i0 * stride;
            for (int d = 0; d < headSize; d++) {
                FloatVector.fromArray(S, qkv, q0 + d, index, valid * L).intoArray(work, d * L);
            }
            for (int j = 0; j < len; j += 8) {
                scoresOfKeys8(qkv, kOff, stride, j, len - 1, work, headSize, scale, work, scores + j * L);
            }
            softmaxOverKeys(work, scores, len, inv);
            for (int r = 0; r < valid; r += 4) {
                values4(work, scores + r, 1, L, work, inv + r, Math.min(4, valid - r), qkv, vOff, stride, len,
                        headSize, out, outOff + (i0 + r) * outStride, outStride);
            }
        }
    }

    /**
     * {@code st[so + c * L + lane] = scale * q_lane . k_(j + c)} for eight keys from {@code j} (a key past
     * {@code last} repeats {@code last}), {@code qt} holding the transposed queries: eight FMA chains.
     */
    private static void scoresOfKeys8(float[] qkv, int kOff, int stride, int j, int last, float[] qt, int headSize,
            float scale, float[] st, int so) {
        int k0 = kOff + j * stride;
        int k1 = kOff + Math.min(j + 1, last) * stride;
        int k2 = kOff + Math.min(j + 2, last) * stride;
        int k3 = kOff + Math.min(j + 3, last) * stride;
        int k4 = kOff + Math.min(j + 4, last) * stride;
        int k5 = kOff + Math.min(j + 5, last) * stride;
        int k6 = kOff + Math.min(j + 6, last) * stride;
        int k7 = kOff + Math.min(j + 7, last) * stride;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int d = 0; d < headSize; d++) {
            FloatVector q = FloatVector.fromArray(S, qt, d * L);
            a0 = FloatVector.broadcast(S, qkv[k0 + d]).fma(q, a0);
            a1 = FloatVector.broadcast(S, qkv[k1 + d]).fma(q, a1);
            a2 = FloatVector.broadcast(S, qkv[k2 + d]).fma(q, a2);
            a3 = FloatVector.broadcast(S, qkv[k3 + d]).fma(q, a3);
            a4 = FloatVector.broadcast(S, qkv[k4 + d]).fma(q, a4);
            a5 = FloatVector.broadcast(S, qkv[k5 + d]).fma(q, a5);
            a6 = FloatVector.broadcast(S, qkv[k6 + d]).fma(q, a6);
            a7 = FloatVector.broadcast(S, qkv[k7 + d]).fma(q, a7);
        }
        a0.mul(scale).intoArray(st, so);
        a1.mul(scale).intoArray(st, so + L);
        a2.mul(scale).intoArray(st, so + 2 * L);
        a3.mul(scale).intoArray(st, so + 3 * L);
        a4.mul(scale).intoArray(st, so + 4 * L);
        a5.mul(scale).intoArray(st, so + 5 * L);
        a6.mul(scale).intoArray(st, so + 6 * L);
        a7.mul(scale).intoArray(st, so + 7 * L);
    }

    /**
     * Replaces the key-major scores {@code st[so + j * L + lane]}, {@code j < len}, by {@code e^(s - max)} of their
     * lane and writes each lane's {@code 1 / sum} at {@code st[io + lane]}.
     */
    private static void softmaxOverKeys(float[] st, int so, int len, int io) {
        FloatVector m = FloatVector.fromArray(S, st, so);
        for (int j = 1; j < len; j++) {
            m = m.max(FloatVector.fromArray(S, st, so + j * L));
        }
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < len; j++) {
            FloatVector e = exp(FloatVector.fromArray(S, st, so + j * L).sub(m));
            e.intoArray(st, so + j * L);
            sum = sum.add(e);
        }
        ONE.div(sum).intoArray(st, io);
    }

    /**
     * {@code keysT[d * padded + j]} = key {@code j}'s dimension {@code d}, at the start of {@code keysT}. Lanes past
     * the last key read the block's first key again (a gather checks every lane's index, masked or not): those
     * columns only feed scores that become -inf.
     */
    private static void transposeKeys(float[] qkv, int stride, int kOff, int len, int headSize, int padded,
            float[] keysT) {
        int[] index = gatherIndex(stride);
        for (int jb = 0; jb < padded; jb += L) {
            int lanes = Math.min(L, len - jb) * L; // the row of the index table for this many keys
            int k0 = kOff + jb * stride;
            for (int d = 0; d < headSize; d++) {
                FloatVector.fromArray(S, qkv, k0 + d, index, lanes).intoArray(keysT, d * padded + jb);
            }
        }
    }

    /**
     * Gather offsets for keys {@code stride} floats apart: row {@code v} ({@code index[v * L + j]}) is
     * {@code j * stride} for the first {@code v} lanes and 0 after. A model has one stride, so the table is built
     * once and kept (immutable, so any thread may read the one it finds).
     */
    private static int[] gatherIndex(int stride) {
        int[] table = gatherTable;
        if (table == null || table[L * L + 1] != stride) {
            table = new int[(L + 1) * L];
            for (int v = 1; v <= L; v++) {
                for (int j = 0; j < v; j++) {
                    table[v * L + j] = j * stride;
                }
            }
            gatherTable = table;
        }
        return table;
    }

    private static volatile int[] gatherTable;

    /** {@code scores[r * padded + j] = scale * q_r . k_j} for the four queries at {@code q0..q3} and every key. */
    private static void scores4(float[] q, int q0, int q1, int q2, int q3, float[] keysT, int headSize, int padded,
            float scale, float[] scores, int so) {
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
            a0.mul(scale).intoArray(scores, so + jb);
            c0.mul(scale).intoArray(scores, so + jb + L);
            a1.mul(scale).intoArray(scores, so + padded + jb);
            c1.mul(scale).intoArray(scores, so + padded + jb + L);
            a2.mul(scale).intoArray(scores, so + 2 * padded + jb);
            c2.mul(scale).intoArray(scores, so + 2 * padded + jb + L);
            a3.mul(scale).intoArray(scores, so + 3 * padded + jb);
            c3.mul(scale).intoArray(scores, so + 3 * padded + jb + L);
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
            a0.add(c0).mul(scale).intoArray(scores, so + jb);
            a1.add(c1).mul(scale).intoArray(scores, so + padded + jb);
            a2.add(c2).mul(scale).intoArray(scores, so + 2 * padded + jb);
            a3.add(c3).mul(scale).intoArray(scores, so + 3 * padded + jb);
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
     * {@code out[r] = inv[io + r] * sum_j scores[so + r * rs + j * ks] v_j} for the first {@code rows} of four
     * query rows, row {@code r} written at {@code o0 + r * outStride}: scores row-major ({@code rs} = the row
     * length, {@code ks} = 1) or key-major ({@code rs} = 1, {@code ks} = L, {@link #attentionByQueryLanes}).
     */
    private static void values4(float[] scores, int so, int rs, int ks, float[] inv, int io, int rows, float[] v,
            int vOff, int stride, int len, int headSize, float[] out, int o0, int outStride) {
        int d = 0;
        for (; d + 2 * L <= headSize; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int j = 0; j < len; j++) {
                int vj = vOff + j * stride + d;
                int sj = so + j * ks;
                FloatVector vv = FloatVector.fromArray(S, v, vj);
                FloatVector vw = FloatVector.fromArray(S, v, vj + L);
                FloatVector u = FloatVector.broadcast(S, scores[sj]);
                a0 = u.fma(vv, a0);
                c0 = u.fma(vw, c0);
                u = FloatVector.broadcast(S, scores[sj + rs]);
                a1 = u.fma(vv, a1);
                c1 = u.fma(vw, c1);
                u = FloatVector.broadcast(S, scores[sj + 2 * rs]);
                a2 = u.fma(vv, a2);
                c2 = u.fma(vw, c2);
                u = FloatVector.broadcast(S, scores[sj + 3 * rs]);
                a3 = u.fma(vv, a3);
                c3 = u.fma(vw, c3);
            }
            a0.mul(inv[io]).intoArray(out, o0 + d);
            c0.mul(inv[io]).intoArray(out, o0 + d + L);
            if (rows > 1) {
                a1.mul(inv[io + 1]).intoArray(out, o0 + outStride + d);
                c1.mul(inv[io + 1]).intoArray(out, o0 + outStride + d + L);
            }
            if (rows > 2) {
                a2.mul(inv[io + 2]).intoArray(out, o0 + 2 * outStride + d);
                c2.mul(inv[io + 2]).intoArray(out, o0 + 2 * outStride + d + L);
            }
            if (rows > 3) {
                a3.mul(inv[io + 3]).intoArray(out, o0 + 3 * outStride + d);
                c3.mul(inv[io + 3]).intoArray(out, o0 + 3 * outStride + d + L);
            }
        }
        for (; d + L <= headSize; d += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int j = 0; j < len; j++) {
                FloatVector vv = FloatVector.fromArray(S, v, vOff + j * stride + d);
                int sj = so + j * ks;
                a0 = FloatVector.broadcast(S, scores[sj]).fma(vv, a0);
                a1 = FloatVector.broadcast(S, scores[sj + rs]).fma(vv, a1);
                a2 = FloatVector.broadcast(S, scores[sj + 2 * rs]).fma(vv, a2);
                a3 = FloatVector.broadcast(S, scores[sj + 3 * rs]).fma(vv, a3);
            }
            a0.mul(inv[io]).intoArray(out, o0 + d);
            if (rows > 1) {
                a1.mul(inv[io + 1]).intoArray(out, o0 + outStride + d);
            }
            if (rows > 2) {
                a2.mul(inv[io + 2]).intoArray(out, o0 + 2 * outStride + d);
            }
            if (rows > 3) {
                a3.mul(inv[io + 3]).intoArray(out, o0 + 3 * outStride + d);
            }
        }
        for (int r = 0; r < rows; r++) {
            weightedValuesTail(scores, so + r * rs, ks, inv[io + r], v, vOff, stride, len, d, headSize, out,
                    o0 + r * outStride);
        }
    }

    /** The head dimensions {@code [from, headSize)} that do not fill a vector. */
    private static void weightedValuesTail(float[] scores, int sOff, int ks, float inv, float[] v, int vOff,
            int stride, int len, int from, int headSize, float[] out, int outOff) {
        for (int d = from; d < headSize; d++) {
            float sum = 0;
            for (int j = 0; j < len; j++) {
                sum = Math.fma(scores[sOff + j * ks], v[vOff + j * stride + d], sum);
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
