package dev.st4j;

import java.util.Arrays;
import java.util.Locale;

/**
 * An immutable row-major matrix of floats: the embeddings of several texts (one row per text, in the caller's
 * order) or a similarity matrix.
 */
public final class FloatMatrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    private FloatMatrix(int rows, int cols, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
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
        return data[row * cols + col];
    }

    /** A copy of one row. */
    public float[] row(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
        }
        return Arrays.copyOfRange(data, row * cols, (row + 1) * cols);
    }

    /** A copy as {@code float[rows][cols]}. */
    public float[][] toArray() {
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = row(r);
        }
        return out;
    }

    /** A copy of the row-major values. */
    public float[] toRowMajorArray() {
        return data.clone();
    }

    /** The backing array, for code in this package that promises not to modify it. */
    float[] data() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
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
                sb.append(String.format(Locale.ROOT, "%.4f", data[r * cols + c]));
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }
}
