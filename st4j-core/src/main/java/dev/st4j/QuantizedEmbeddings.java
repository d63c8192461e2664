package dev.st4j;

import java.util.Arrays;

/**
 * Embeddings quantized to bytes: one byte per dimension ({@code int8}, {@code uint8}) or eight dimensions per byte
 * ({@code binary}, {@code ubinary}, width {@code ceil(dim / 8)}). Immutable; rows follow the input's order.
 */
public final class QuantizedEmbeddings {
    private final Precision precision;
    private final int rows;
    private final int cols;
    private final byte[] data;

    QuantizedEmbeddings(Precision precision, int rows, int cols, byte[] data) {
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /**
     * Wraps {@code rows * cols} bytes (copied) as quantized embeddings, for example read back from a file: one byte
     * per dimension for int8/uint8, {@code ceil(dim / 8)} packed bytes for binary/ubinary.
     */
    public static QuantizedEmbeddings of(Precision precision, int rows, int cols, byte[] data) {
        if (precision == null || precision == Precision.FLOAT32 || data == null) {
            throw new IllegalArgumentException("precision must be int8, uint8, binary or ubinary, and data non-null");
        }
        if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "data holds " + data.length + " bytes, not rows*cols = " + rows + "*" + cols);
        }
        return new QuantizedEmbeddings(precision, rows, cols, data.clone());
    }

    public Precision precision() {
        return precision;
    }

    public int rows() {
        return rows;
    }

    /** Bytes per row. */
    public int cols() {
        return cols;
    }

    /** The value at {@code (row, col)}: signed for int8/binary, 0..255 for uint8/ubinary. */
    public int get(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ") outside [" + rows + ", " + cols + "]");
        }
        byte b = data[row * cols + col];
        return precision.signed() ? b : Byte.toUnsignedInt(b);
    }

    /** A copy of one row's bytes (reinterpret as unsigned for uint8/ubinary). */
    public byte[] row(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
        }
        return Arrays.copyOfRange(data, row * cols, (row + 1) * cols);
    }

    /** A copy of all bytes, row-major. */
    public byte[] toByteArray() {
        return data.clone();
    }
}
