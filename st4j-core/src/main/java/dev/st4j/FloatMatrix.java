package dev.st4j;

import java.util.Arrays;
import java.util.Locale;

/**
 * An immutable row-major matrix of floats: the embeddings of several texts (one row per text, in the caller's
 * order) or a similarity matrix.
 *
 * <p>The rows may live in several blocks (see {@link #concat}), so a matrix can hold more than the 2^31 values of
 * one Java array: ten million 384-dimension embeddings are 3.84 billion floats. Indexing is by row and column;
 * {@link #toRowMajorArray()} works only while the values fit one array.
 */
public final class FloatMatrix {
    private final int rows;
    private final int cols;
    /** Whole rows per block; {@code blockStart[b]} is the first row of block {@code b} (one extra entry: rows). */
    private final float[][] blocks;
    private final int[] blockStart;

    private FloatMatrix(int rows, int cols, float[] data) {
        this(rows, cols, new float[][] {data}, new int[] {0, rows});
    }

    private FloatMatrix(int rows, int cols, float[][] blocks, int[] blockStart) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = blocks;
        this.blockStart = blockStart;
    }

    /** Wraps a row-major array without copying; callers hand over ownership. */
    static FloatMatrix wrap(int rows, int cols, float[] data) {
        if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "data holds " + data.length + " values, not rows*cols = " + rows + "*" + cols);
        }
        return new FloatMatrix(rows, cols, data);
    }

    /** Copies a row-major array of {@code rows * cols} values. */
    public static FloatMatrix of(int rows, int cols, float[] rowMajor) {
        if (rowMajor == null) {
            throw new IllegalArgumentException("rowMajor must not be null");
        }
        return wrap(rows, cols, rowMajor.clone());
    }

    /** Copies a rectangular {@code float[][]}; every row must have the same length. */
    public static FloatMatrix of(float[][] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        int cols = values.length == 0 ? 0 : values[0].length;
        float[] data = new float[values.length * cols];
        for (int r = 0; r < values.length; r++) {
            if (values[r] == null || values[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " does not have " + cols + " values");
            }
            System.arraycopy(values[r], 0, data, r * cols, cols);
        }
        return new FloatMatrix(values.length, cols, data);
    }

    /** A single row. */
    public static FloatMatrix ofRow(float[] row) {
        if (row == null) {
            throw new IllegalArgumentException("row must not be null");
        }
        return new FloatMatrix(1, row.length, row.clone());
    }

    /**
     * The rows of {@code parts}, one after the other (numpy's {@code concatenate(axis=0)}), without copying them.
     * Every part must have the same number of columns; the total row count must fit an {@code int}.
     */
    public static FloatMatrix concat(java.util.List<FloatMatrix> parts) {
        if (parts == null) {
            throw new IllegalArgumentException("parts must not be null");
        }
        if (parts.isEmpty()) {
            return new FloatMatrix(0, 0, new float[0]);
        }
        int cols = parts.get(0).cols;
        long total = 0;
        int nBlocks = 0;
        for (int i = 0; i < parts.size(); i++) {
            FloatMatrix p = parts.get(i);
            if (p == null || p.cols != cols) {
                throw new IllegalArgumentException("part " + i + " does not have " + cols + " columns");
            }
            total += p.rows;
            nBlocks += p.blocks.length;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the parts hold " + total + " rows, more than " + Integer.MAX_VALUE);
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        float[][] blocks = new float[nBlocks][];
        int[] start = new int[nBlocks + 1];
        int b = 0;
        int row = 0;
        for (FloatMatrix p : parts) {
            for (int k = 0; k < p.blocks.length; k++) {
                int n = p.blockStart[k + 1] - p.blockStart[k];
                if (n == 0) {
                    continue;
                }
                blocks[b] = p.blocks[k];
                start[b] = row;
                row += n;
                b++;
            }
        }
        if (b == 0) {
            return new FloatMatrix(0, cols, new float[0]);
        }
        start[b] = row;
        return new FloatMatrix(row, cols, java.util.Arrays.copyOf(blocks, b), java.util.Arrays.copyOf(start, b + 1));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** {@code [rows, cols]}, like numpy's {@code shape}. */
    public int[] shape() {
        return new int[] {rows, cols};
    }

    public float get(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ") outside shape [" + rows + ", " + cols + "]");
        }
        int b = block(row);
        return blocks[b][(row - blockStart[b]) * cols + col];
    }

    /** A copy of one row. */
    public float[] row(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
        }
        int b = block(row);
        int from = (row - blockStart[b]) * cols;
        return Arrays.copyOfRange(blocks[b], from, from + cols);
    }

    /** Copies row {@code row} into {@code dest} at {@code offset}. */
    public void copyRow(int row, float[] dest, int offset) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
        }
        int b = block(row);
        System.arraycopy(blocks[b], (row - blockStart[b]) * cols, dest, offset, cols);
    }

    /** The block holding {@code row} (rows are checked by the caller). */
    private int block(int row) {
        if (blocks.length == 1) {
            return 0;
        }
        // Blocks are never empty, so starts are distinct: an exact hit is the block, else the one before.
        int b = Arrays.binarySearch(blockStart, row);
        return b >= 0 ? b : -b - 2;
    }

    /** A copy as {@code float[rows][cols]}. */
    public float[][] toArray() {
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = row(r);
        }
        return out;
    }

    /**
     * A copy of the row-major values.
     *
     * @throws IllegalStateException when the matrix holds more values than one Java array can (read it by row)
     */
    public float[] toRowMajorArray() {
        return blocks.length == 1 ? blocks[0].clone() : data();
    }

    /**
     * The values as one row-major array, for code in this package that promises not to modify it: the backing
     * array itself when there is one block, else a copy.
     */
    float[] data() {
        if (blocks.length == 1) {
            return blocks[0];
        }
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("this matrix holds " + size + " values, more than one Java array can; "
                    + "read it row by row (row, copyRow) or in parts");
        }
        float[] out = new float[(int) size];
        for (int b = 0; b < blocks.length; b++) {
            int n = (blockStart[b + 1] - blockStart[b]) * cols;
            System.arraycopy(blocks[b], 0, out, blockStart[b] * cols, n);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FloatMatrix m) || m.rows != rows || m.cols != cols) {
            return false;
        }
        for (int r = 0; r < rows; r++) {
            if (!Arrays.equals(row(r), m.row(r))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 31 * rows + cols;
        for (int r = 0; r < rows; r++) {
            h = 31 * h + Arrays.hashCode(row(r));
        }
        return h;
    }

    /** Prints like a tensor, four decimals per value. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "[" : ",\n [");
            for (int c = 0; c < cols; c++) {
                if (c > 0) {
                    sb.append(", ");
                }
                sb.append(String.format(Locale.ROOT, "%.4f", get(r, c)));
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }
}
