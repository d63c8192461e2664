package dev.st4j.engine.kernels;

/**
 * The blocking and threading of {@link Kernels#matmul}, shared by both implementations, which supply only the
 * inner tile. Weights are read as tiles of {@link Tile#columns()} output columns, transposed
 * ({@code packed[i * columns + j] = w[c0 + j, i]}, zero-padded): packed once at load (a {@link PackedMatrix}), or
 * by each call into a buffer that fits L2. Rows of {@code x} go in blocks of {@value #ROW_BLOCK}. The transposed
 * tile lets the inner loop broadcast one element of {@code x} against a vector of adjacent outputs: no horizontal
 * sums, and each output accumulates over {@code i} in order, as the scalar loop does, however the work is split.
 */
final class TiledMatmul {
    /** A multiple of the vector tile's four or six rows, so only the last block of a matmul has a remainder. */
    static final int ROW_BLOCK = 72;

    /** Tasks per thread that a matmul with weights packed at load is cut into, at least (shape permitting). */
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
            transpose(rows, valid, k, columns(), packed);
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
     * The plain loop of {@link Tile#pack}: {@code packed[i * cb + j] = rows[j * k + i]}, zero-padded for
     * {@code j >= valid}. Packing at load uses it rather than a tile's vector gathers: it runs once per process,
     * mostly before the JIT has compiled anything, and interpreted vector code is slow (open + pack of
     * all-MiniLM-L6-v2's 42.5 MB in a fresh JVM: 347-423 ms CPU with the gathers, 204-223 with this loop, as much
     * as reading the matrices without packing them, 199-206; warm, both ~25-30 ms).
     */
    static void transpose(float[] rows, int valid, int k, int cb, float[] packed) {
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
        if (prepacked != null) {
            runPacked(parallel, x, rows, prepacked, bias, out, tile, geluBy, k, n, cb, colBlocks);
            return;
        }
        // Weights packed per call: one task per column block, which packs its block once and then runs every row
        // block of x against it.
        parallel.forEach(colBlocks, block -> {
            int c0 = block * cb;
            int valid = Math.min(cb, n - c0);
            float[] tileBias = tileBias(bias, c0, valid, cb);
            Scratch s = parallel.borrow(Scratch.class, Scratch::new);
            try {
                float[] packed = pack(w, c0, valid, cb, k, s, tile);
                for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
                    compute(x, r0, Math.min(rows, r0 + ROW_BLOCK), k, packed, tileBias, out, n, c0, valid, tile,
                            geluBy);
                }
            } finally {
                parallel.giveBack(s);
            }
        });
    }

    /**
     * Weights packed at load: a task is one block of {@link #ROW_BLOCK} rows against a group of column blocks, so
     * its rows of {@code x} and of {@code out} stay in cache while the packed weights stream past (each weight
     * tile is read once per row block, from L2/L3). Column blocks are grouped just finely enough for
     * {@link #TASKS_PER_THREAD} tasks per thread, so the threads finish within a small task of each other.
     *
     * <p>Measured (thread CPU time, one thread, 2-core AMD EPYC, AVX-512) against one task per column block over
     * all rows, which streamed all of {@code x} once per column block and wrote {@code out} in 128-byte strips
     * across the whole matrix, two interleaved runs each: 8192x384x1152 70.0/68.7 -> 95.4/98.1 GFLOP/s,
     * 8192x384x1536 64.7/72.9 -> 98.0/97.3, 4096x384x1152 86.2/91.0 -> 98.7/99.4, 4096x1536x384 94.0/100.3 ->
     * 103.2/106.3, 864x384x1152 97.9/99.1 -> 98.6/99.9 (the FMA peak of one core is 110).
     */
    private static void runPacked(Parallel parallel, float[] x, int rows, PackedMatrix w, float[] bias, float[] out,
            Tile tile, Kernels geluBy, int k, int n, int cb, int colBlocks) {
        int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        int groups = Math.max(1, Math.min(colBlocks,
                (TASKS_PER_THREAD * parallel.threads() + rowBlocks - 1) / rowBlocks));
        parallel.forEach(rowBlocks * groups, task -> {
            int r0 = task / groups * ROW_BLOCK;
            int r1 = Math.min(rows, r0 + ROW_BLOCK);
            int g = task % groups;
            for (int block = g * colBlocks / groups; block < (g + 1) * colBlocks / groups; block++) {
                int c0 = block * cb;
                int valid = Math.min(cb, n - c0);
                compute(x, r0, r1, k, w.block(block), tileBias(bias, c0, valid, cb), out, n, c0, valid, tile,
                        geluBy);
            }
        });
    }

    private static void compute(float[] x, int r0, int r1, int k, float[] packed, float[] tileBias, float[] out,
            int n, int c0, int valid, Tile tile, Kernels geluBy) {
        tile.compute(x, r0, r1, k, packed, tileBias, out, n, c0, valid);
        if (geluBy != null) {
            for (int r = r0; r < r1; r++) {
                geluBy.gelu(out, r * n + c0, valid);
            }
        }
    }

    /** {@code bias[c0, c0 + valid)} zero-padded to a whole column block (zeros when there is no bias). */
    private static float[] tileBias(float[] bias, int c0, int valid, int cb) {
        float[] tileBias = new float[cb];
        if (bias != null) {
            System.arraycopy(bias, c0, tileBias, 0, valid);
        }
        return tileBias;
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
