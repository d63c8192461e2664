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

    /** Tasks per thread that a matmul with weights packed at load is cut into, at least (rows permitting). */
    static final int TASKS_PER_THREAD = Integer.getInteger("st4j.tasksPerThread", 16);

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
        PackedMatrix prepacked = w instanceof PackedMatrix p && p.blockColumns() == cb ? p : null;
        // A task is one column block over one chunk of rows. With weights packed per call a task packs its block
        // first, so then it takes all rows; with weights packed at load, rows are cut into chunks until there are
        // TASKS_PER_THREAD tasks per thread, so the threads finish within a small task of each other (12 column
        // blocks of 1536x384 over 2 threads left up to a sixth of the call to one thread). Chunks are whole
        // ROW_BLOCKs, and the smaller last chunk's tasks come last.
        int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        int chunks = prepacked == null ? 1
                : Math.max(1, Math.min(rowBlocks, (TASKS_PER_THREAD * parallel.threads() + colBlocks - 1) / colBlocks));
        int chunkRows = (rowBlocks + chunks - 1) / chunks * ROW_BLOCK;
        int tasks = colBlocks * ((rows + chunkRows - 1) / chunkRows);
        parallel.forEach(tasks, task -> {
            int block = task % colBlocks;
            int rowStart = task / colBlocks * chunkRows;
            int rowEnd = Math.min(rows, rowStart + chunkRows);
            int c0 = block * cb;
            int valid = Math.min(cb, n - c0);
            float[] tileBias = new float[cb];
            if (bias != null) {
                System.arraycopy(bias, c0, tileBias, 0, valid);
            }
            Scratch s = prepacked == null ? parallel.borrow(Scratch.class, Scratch::new) : null;
            try {
                float[] packed = prepacked != null ? prepacked.block(block) : pack(w, c0, valid, cb, k, s, tile);
                for (int r0 = rowStart; r0 < rowEnd; r0 += ROW_BLOCK) {
                    int r1 = Math.min(rowEnd, r0 + ROW_BLOCK);
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
