package dev.st4j.engine.kernels;

/**
 * The blocking and threading of {@link Kernels#matmul}, shared by both implementations, which supply only the
 * inner tile. The output is cut into {@value #ROW_BLOCK} x {@value #COL_BLOCK} tasks; a task widens its
 * {@value #COL_BLOCK} weight rows into a per-thread tile (small enough for L2) and reuses it while the following
 * tasks of the same column block walk down the rows of {@code x}.
 */
final class TiledMatmul {
    static final int ROW_BLOCK = 64;
    static final int COL_BLOCK = 32;

    /** Computes {@code out[r, c0 + j] = bias[c0 + j] + dot(x[r, :], tile[j, :])} for a block. */
    @FunctionalInterface
    interface Tile {
        void compute(float[] x, int rowStart, int rowEnd, float[] tile, int tileRows, int k, float[] out, int n,
                int c0, float[] bias);
    }

    /** Per-thread scratch: the widened weight tile and which block of which call it holds. */
    private static final class Scratch {
        float[] tile = new float[0];
        Object call;
        int colBlock = -1;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private TiledMatmul() {}

    static void run(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out, Tile tile) {
        int k = w.columns();
        int n = w.rows();
        if ((long) rows * k > x.length || (long) rows * n > out.length || (bias != null && bias.length < n)) {
            throw new IllegalArgumentException("matmul shapes: x " + x.length + " floats for [" + rows + ", " + k
                    + "], out " + out.length + " for [" + rows + ", " + n + "]");
        }
        int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        int colBlocks = (n + COL_BLOCK - 1) / COL_BLOCK;
        Object call = new Object();
        parallel.forEach(rowBlocks * colBlocks, task -> {
            int cb = task / rowBlocks;
            int rb = task % rowBlocks;
            int c0 = cb * COL_BLOCK;
            int tileRows = Math.min(COL_BLOCK, n - c0);
            Scratch s = SCRATCH.get();
            if (s.call != call || s.colBlock != cb) {
                if (s.tile.length < COL_BLOCK * k) {
                    s.tile = new float[COL_BLOCK * k];
                }
                w.readRows(c0, tileRows, s.tile, 0);
                s.call = call;
                s.colBlock = cb;
            }
            int r0 = rb * ROW_BLOCK;
            tile.compute(x, r0, Math.min(rows, r0 + ROW_BLOCK), s.tile, tileRows, k, out, n, c0, bias);
        });
        // Drop the reference to this call so the scratch does not pin it.
        SCRATCH.get().call = null;
    }
}
