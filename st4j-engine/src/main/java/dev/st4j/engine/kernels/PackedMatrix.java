package dev.st4j.engine.kernels;

/**
 * A weight matrix packed once, at load, into the layout the matmul tile reads: one array per block of
 * {@code blockColumns} output columns, {@code block[i * blockColumns + j] = w[c0 + j, i]}, zero-padded. Without it
 * every matmul call re-reads and transposes its weights (a few percent of a forward pass on short batches).
 */
final class PackedMatrix implements WeightMatrix {
    private final int rows;
    private final int columns;
    private final int blockColumns;
    private final float[][] blocks;

    private PackedMatrix(int rows, int columns, int blockColumns, float[][] blocks) {
        this.rows = rows;
        this.columns = columns;
        this.blockColumns = blockColumns;
        this.blocks = blocks;
    }

    /**
     * Packs {@code w} into {@code tile}'s layout: the same blocks a call would pack (packing only moves values), with
     * the plain loop of {@link TiledMatmul#transpose}, the faster one in a JVM that has just started.
     */
    static PackedMatrix pack(WeightMatrix w, TiledMatmul.Tile tile) {
        int cb = tile.columns();
        int k = w.columns();
        int n = w.rows();
        float[][] blocks = new float[(n + cb - 1) / cb][];
        float[] rowsBuf = new float[cb * k];
        for (int b = 0; b < blocks.length; b++) {
            int c0 = b * cb;
            int valid = Math.min(cb, n - c0);
            w.readRowsOnce(c0, valid, rowsBuf, 0);
            blocks[b] = new float[cb * k];
            TiledMatmul.transpose(rowsBuf, valid, k, cb, blocks[b]);
        }
        return new PackedMatrix(n, k, cb, blocks);
    }

    int blockColumns() {
        return blockColumns;
    }

    float[] block(int b) {
        return blocks[b];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int columns() {
        return columns;
    }

    @Override
    public void readRows(int first, int count, float[] dst, int off) {
        for (int r = first; r < first + count; r++) {
            float[] block = blocks[r / blockColumns];
            int j = r % blockColumns;
            for (int i = 0; i < columns; i++) {
                dst[off++] = block[i * blockColumns + j];
            }
        }
    }

    @Override
    public long packedBytes() {
        return (long) blocks.length * blockColumns * columns * Float.BYTES;
    }
}
