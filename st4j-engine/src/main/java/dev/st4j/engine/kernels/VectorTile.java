package dev.st4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matmul's inner tile on the Vector API ({@link VectorKernels#tile()}): a register block of rows x vectors of
 * adjacent outputs, per step of {@code i} one load of the packed tile per vector and one broadcast of {@code x} per
 * row. Each output still accumulates {@code bias + x[r, 0] w[0] + x[r, 1] w[1] + ...} by FMAs in order of
 * {@code i}, exactly as {@link ScalarKernels}' tile does, whatever the block shape or the row's place in it.
 *
 * <p>With 512-bit vectors (32 registers): four rows x four vectors ({@code columns() = 64}), 16 accumulators. On the
 * 2-core AMD EPYC (Zen 4, AVX-512 double-pumped; FMA peak 116.9 GFLOP/s per core), one thread, 72-row tasks over a
 * whole packed matrix, median of 5: 384x1536 114.4 GFLOP/s, 1536x384 116.1, 384x1152 115.2, 384x384 115.3, against
 * 108.2 / 108.5 / 107.4 / 108.5 for the twelve rows x two vectors that ran before: each broadcast of {@code x} costs
 * an FP-pipe slot there, so the block that broadcasts least per FMA wins (4 per 16 FMAs, against 12 per 24). Also
 * measured, same run: 4 rows x 6 vectors 114.9-115.5 (but 96 columns divide fewer layer widths), 6 x 4 105.5-106.9,
 * 14 x 2 112.0-113.5, 3 x 8 91-92 and 2 x 12 81-98 (they spill). Narrower vectors (AVX2's 16 registers): six rows x
 * two vectors, 12 accumulators.
 */
final class VectorTile implements TiledMatmul.Tile {
    static final VectorTile INSTANCE = new VectorTile();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** {@code -Dst4j.wideKernel=false} runs the narrow block on 512-bit vectors too, for comparison. */
    private static final boolean WIDE = S.vectorBitSize() >= 512
            && !"false".equals(System.getProperty("st4j.wideKernel"));
    /** Vectors per row and rows per block. */
    private static final int VECTORS = WIDE ? 4 : 2;
    private static final int HEIGHT = WIDE ? 4 : 6;
    private static final int CB = VECTORS * L;

    private VectorTile() {}

    @Override
    public int columns() {
        return CB;
    }

    /** Rows per register block ({@link TiledMatmul#ROW_BLOCK} is a multiple of it). */
    static int height() {
        return HEIGHT;
    }

    /** A gather per vector of the packed row: ~2.5x faster than element by element, once compiled. */
    @Override
    public void pack(float[] rows, int valid, int k, float[] packed) {
        if (valid != CB) {
            TiledMatmul.transpose(rows, valid, k, CB, packed);
            return;
        }
        int[] index = new int[L];
        for (int j = 0; j < L; j++) {
            index[j] = j * k;
        }
        for (int i = 0; i < k; i++) {
            for (int v = 0; v < VECTORS; v++) {
                FloatVector.fromArray(S, rows, v * L * k + i, index, 0).intoArray(packed, i * CB + v * L);
            }
        }
    }

    @Override
    public void compute(float[] x, int rowStart, int rowEnd, int k, float[] packed, float[] bias, float[] out,
            int n, int c0, int valid) {
        int r = rowStart;
        if (valid == CB) {
            for (; r + HEIGHT <= rowEnd; r += HEIGHT) {
                block(x, r, k, packed, bias, out, n, c0);
            }
            if (r < rowEnd) {
                remainder(x, r, rowEnd, k, packed, bias, out, n, c0);
            }
            return;
        }
        // A partial column block (output width not a multiple of CB): one row at a time, via a buffer.
        float[] partial = new float[CB];
        for (; r < rowEnd; r++) {
            int xo = r * k;
            for (int v = 0; v < VECTORS; v++) {
                FloatVector a = FloatVector.fromArray(S, bias, v * L);
                for (int i = 0; i < k; i++) {
                    a = FloatVector.broadcast(S, x[xo + i]).fma(FloatVector.fromArray(S, packed, i * CB + v * L), a);
                }
                a.intoArray(partial, v * L);
            }
            System.arraycopy(partial, 0, out, r * n + c0, valid);
        }
    }

    private static void block(float[] x, int r, int k, float[] packed, float[] bias, float[] out, int n, int c0) {
        if (WIDE) {
            rows4(x, r, k, packed, bias, out, n, c0);
        } else {
            rows6(x, r, k, packed, bias, out, n, c0);
        }
    }

    /**
     * The last rows of a matmul (fewer than a block) copied into a zero-padded block so they run at full speed:
     * one row at a time would be bound by FMA latency.
     */
    private static void remainder(float[] x, int r, int rowEnd, int k, float[] packed, float[] bias, float[] out,
            int n, int c0) {
        int rem = rowEnd - r;
        float[] xp = new float[HEIGHT * k];
        System.arraycopy(x, r * k, xp, 0, rem * k);
        float[] op = new float[HEIGHT * CB];
        block(xp, 0, k, packed, bias, op, CB, 0);
        for (int i = 0; i < rem; i++) {
            System.arraycopy(op, i * CB, out, (r + i) * n + c0, CB);
        }
    }

    /** Four rows x four vectors: 16 accumulators, for CPUs with 32 vector registers (AVX-512). */
    private static void rows4(float[] x, int r, int k, float[] packed, float[] bias, float[] out, int n, int c0) {
        FloatVector b0 = FloatVector.fromArray(S, bias, 0);
        FloatVector b1 = FloatVector.fromArray(S, bias, L);
        FloatVector b2 = FloatVector.fromArray(S, bias, 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, bias, 3 * L);
        FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
        FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
        FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
        int x0 = r * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        for (int i = 0, p = 0; i < k; i++, p += CB) {
            FloatVector w0 = FloatVector.fromArray(S, packed, p);
            FloatVector w1 = FloatVector.fromArray(S, packed, p + L);
            FloatVector w2 = FloatVector.fromArray(S, packed, p + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, packed, p + 3 * L);
            FloatVector u = FloatVector.broadcast(S, x[x0 + i]);
            a00 = u.fma(w0, a00);
            a01 = u.fma(w1, a01);
            a02 = u.fma(w2, a02);
            a03 = u.fma(w3, a03);
            u = FloatVector.broadcast(S, x[x1 + i]);
            a10 = u.fma(w0, a10);
            a11 = u.fma(w1, a11);
            a12 = u.fma(w2, a12);
            a13 = u.fma(w3, a13);
            u = FloatVector.broadcast(S, x[x2 + i]);
            a20 = u.fma(w0, a20);
            a21 = u.fma(w1, a21);
            a22 = u.fma(w2, a22);
            a23 = u.fma(w3, a23);
            u = FloatVector.broadcast(S, x[x3 + i]);
            a30 = u.fma(w0, a30);
            a31 = u.fma(w1, a31);
            a32 = u.fma(w2, a32);
            a33 = u.fma(w3, a33);
        }
        int o = r * n + c0;
        a00.intoArray(out, o);
        a01.intoArray(out, o + L);
        a02.intoArray(out, o + 2 * L);
        a03.intoArray(out, o + 3 * L);
        o += n;
        a10.intoArray(out, o);
        a11.intoArray(out, o + L);
        a12.intoArray(out, o + 2 * L);
        a13.intoArray(out, o + 3 * L);
        o += n;
        a20.intoArray(out, o);
        a21.intoArray(out, o + L);
        a22.intoArray(out, o + 2 * L);
        a23.intoArray(out, o + 3 * L);
        o += n;
        a30.intoArray(out, o);
        a31.intoArray(out, o + L);
        a32.intoArray(out, o + 2 * L);
        a33.intoArray(out, o + 3 * L);
    }

    /** Six rows x two vectors: 12 accumulators, fits AVX2's 16 registers. */
    private static void rows6(float[] x, int r, int k, float[] packed, float[] bias, float[] out, int n, int c0) {
        FloatVector b0 = FloatVector.fromArray(S, bias, 0);
        FloatVector b1 = FloatVector.fromArray(S, bias, L);
        FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1;
        FloatVector a30 = b0, a31 = b1, a40 = b0, a41 = b1, a50 = b0, a51 = b1;
        int x0 = r * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k;
        for (int i = 0, p = 0; i < k; i++, p += CB) {
            FloatVector w0 = FloatVector.fromArray(S, packed, p);
            FloatVector w1 = FloatVector.fromArray(S, packed, p + L);
            FloatVector u = FloatVector.broadcast(S, x[x0 + i]);
            a00 = u.fma(w0, a00);
            a01 = u.fma(w1, a01);
            u = FloatVector.broadcast(S, x[x1 + i]);
            a10 = u.fma(w0, a10);
            a11 = u.fma(w1, a11);
            u = FloatVector.broadcast(S, x[x2 + i]);
            a20 = u.fma(w0, a20);
            a21 = u.fma(w1, a21);
            u = FloatVector.broadcast(S, x[x3 + i]);
            a30 = u.fma(w0, a30);
            a31 = u.fma(w1, a31);
            u = FloatVector.broadcast(S, x[x4 + i]);
            a40 = u.fma(w0, a40);
            a41 = u.fma(w1, a41);
            u = FloatVector.broadcast(S, x[x5 + i]);
            a50 = u.fma(w0, a50);
            a51 = u.fma(w1, a51);
        }
        int o = r * n + c0;
        a00.intoArray(out, o);
        a01.intoArray(out, o + L);
        a10.intoArray(out, o + n);
        a11.intoArray(out, o + n + L);
        a20.intoArray(out, o + 2 * n);
        a21.intoArray(out, o + 2 * n + L);
        a30.intoArray(out, o + 3 * n);
        a31.intoArray(out, o + 3 * n + L);
        a40.intoArray(out, o + 4 * n);
        a41.intoArray(out, o + 4 * n + L);
        a50.intoArray(out, o + 5 * n);
        a51.intoArray(out, o + 5 * n + L);
    }
}
