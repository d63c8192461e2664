package dev.st4j.engine.kernels;

/**
 * The blocking and threading of {@link Kernels#matmul}, shared by both implementations, which supply only the
 * inner tile. Each task owns {@link Tile#columns()} output columns: it packs those weight rows transposed
 * ({@code packed[i * columns + j] = w[c0 + j, i]}, zero-padded) into a buffer that fits L2 (or finds them packed
 * already, in a {@link PackedMatrix}), then walks
 * down the rows of {@code x} in blocks of {@value #ROW_BLOCK}. The transposed tile lets the inner loop broadcast one element of {@code x} against a vector of
 * adjacent outputs: no horizontal sums, and each output accumulates over {@code i} in order, as the scalar loop
 * does.
 */
final class TiledMatmul {
    /** A multiple of the vector kernel's six rows, so only the last block of a matmul has a remainder. */
    static final int ROW_BLOCK = 72;

    /** The inner kernel of one task. */
    interface Tile {
        /** Output columns per task (weight rows per packed tile). */
        int columns();

        /**
         * Transposes {@code valid} weight rows of length {@code k} into {@code packed[i * columns() + j]},
         * zero-padding columns {@code j >= valid}.
         */
        default void pack(float[] rows, int valid, int k, float[] packed) {
            int cb = columns();
            // Written in order, read with a stride: measured ~20% faster than the other way round.
            for (int i = 0; i < k; i++) {
                int o = i * cb;
                for (int j = 0; j < valid; j++) {
                    packed[o + j] = rows[j * k + i];
                }
                for (int j = valid; j < cb; j++) {
                    packed[o + j] = 0f;
                }
            }
        }

        /**
         * {@code out[r, c0 + j] = bias[j] + sum_i x[r, i] * packed[i * columns() + j]} for rows
         * {@code [rowStart, rowEnd)} and {@code j < valid}.
         */
        void compute(float[] x, int rowStart, int rowEnd, int k, float[] packed, float[] bias, float[] out, int n,
                int c0, int valid);
    }

    /**
     * A task's scratch: the weight rows as read, and packed. Borrowed from the {@link Parallel} (so it goes when
     * the model's threads do, unlike a thread-local in a caller's thread); not needed for a {@link PackedMatrix}.
     */
    private static final class Scratch {
        float[] rows = new float[0];
        float[] packed = new float[0];
    }

    private TiledMatmul() {}

    /**
     * Runs the matmul; when {@code geluBy} is not null, applies its GELU to each output tile as soon as it is
     * computed.
     */
    static void run(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out, Tile tile,
            Kernels geluBy) {
        int k = w.columns();
        int n = w.rows();
        if ((long) rows * k > x.length || (long) rows * n > out.length || (bias != null && bias.length < n)) {
            throw new IllegalArgumentException("matmul shapes: x " + x.length + " floats for [" + rows + ", " + k
                    + "], out " + out.length + " for [" + rows + ", " + n + "]");
        }
        int cb = tile.columns();
        int colBlocks = (n + cb - 1) / cb;
        // One task per column block: its weights are packed once per call, then every row block of x runs
        // against them. A few dozen tasks still balance well over a handful of threads.
        PackedMatrix prepacked = w instanceof PackedMatrix p && p.blockColumns() == cb ? p : null;
        parallel.forEach(colBlocks, block -> {
            int c0 = block * cb;
            int valid = Math.min(cb, n - c0);
            float[] tileBias = new float[cb];
            if (bias != null) {
                System.arraycopy(bias, c0, tileBias, 0, valid);
            }
            Scratch s = prepacked == null ? parallel.borrow(Scratch.class, Scratch::new) : null;
            try {
                float[] packed = prepacked != null ? prepacked.block(block) : pack(w, c0, valid, cb, k, s, tile);
                for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
                    int r1 = Math.min(rows, r0 + ROW_BLOCK);
                    tile.compute(x, r0, r1, k, packed, tileBias, out, n, c0, valid);
                    if (geluBy != null) {
                        for (int r = r0; r < r1; r++) {
                            geluBy.gelu(out, r * n + c0, valid);
                        }
                    }
                }
            } finally {
                if (s != null) {
                    parallel.giveBack(s);
                }
            }
        });
    }

    private static float[] pack(WeightMatrix w, int c0, int valid, int cb, int k, Scratch s, Tile tile) {
        if (s.packed.length < cb * k) {
            s.rows = new float[cb * k];
            s.packed = new float[cb * k];
        }
        w.readRows(c0, valid, s.rows, 0);
        tile.pack(s.rows, valid, k, s.packed);
        return s.packed;
    }
}
