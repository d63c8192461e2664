package dev.st4j.engine.kernels;

import dev.st4j.internal.safetensors.Tensor;

/**
 * A {@code [rows, columns]} weight matrix read a few rows at a time, so the weights can stay memory-mapped (and
 * 16-bit) while {@link Kernels#matmul} widens just the tile it is working on.
 */
public interface WeightMatrix {
    int rows();

    int columns();

    /** Copies rows {@code [first, first + count)} into {@code dst[off..]} as floats, row-major. */
    void readRows(int first, int count, float[] dst, int off);

    /**
     * {@link #readRows} for rows read just once (packing at load): a matrix in a mapped file reads them through
     * the file instead of the mapping, so they do not stay in the process's resident memory beside their copy.
     */
    default void readRowsOnce(int first, int count, float[] dst, int off) {
        readRows(first, count, dst, off);
    }

    /** Bytes of heap this matrix holds packed for a kernel ({@link Kernels#prepare}); 0 for a view. */
    default long packedBytes() {
        return 0;
    }

    /** Bytes per value as stored: 4 for F32, 2 for F16 and BF16. */
    default int storedBytes() {
        return Float.BYTES;
    }

    /**
     * The rows of {@code parts} one after another (same column count): several linear layers that read the same
     * input, run as one matmul.
     */
    static WeightMatrix stack(WeightMatrix... parts) {
        int columns = parts[0].columns();
        int[] starts = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].columns() != columns) {
                throw new IllegalArgumentException("stacked matrices need equal column counts");
            }
            starts[i + 1] = starts[i] + parts[i].rows();
        }
        int stored = java.util.Arrays.stream(parts).mapToInt(WeightMatrix::storedBytes).max().orElseThrow();
        return of(starts[parts.length], columns, stored,
                (first, count, dst, off) -> readStacked(parts, starts, columns, false, first, count, dst, off),
                (first, count, dst, off) -> readStacked(parts, starts, columns, true, first, count, dst, off));
    }

    private static void readStacked(WeightMatrix[] parts, int[] starts, int columns, boolean once, int first,
            int count, float[] dst, int off) {
        for (int p = 0; p < parts.length && count > 0; p++) {
            if (first < starts[p + 1]) {
                int n = Math.min(count, starts[p + 1] - first);
                if (once) {
                    parts[p].readRowsOnce(first - starts[p], n, dst, off);
                } else {
                    parts[p].readRows(first - starts[p], n, dst, off);
                }
                first += n;
                count -= n;
                off += n * columns;
            }
        }
    }

    /** A matrix over a heap array (tests, benchmarks). */
    static WeightMatrix of(float[] data, int rows, int columns) {
        if ((long) rows * columns != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " floats, not " + rows + "x" + columns);
        }
        RowReader copy = (first, count, dst, off) -> System.arraycopy(data, first * columns, dst, off,
                count * columns);
        return of(rows, columns, Float.BYTES, copy, copy);
    }

    /** A matrix over a 2-D tensor of a safetensors file, read in place. */
    static WeightMatrix of(Tensor t) {
        long[] shape = t.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(t + " is not a matrix");
        }
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        return of(rows, columns, t.dtype().bytes(),
                (first, count, dst, off) -> t.read((long) first * columns, count * columns, dst, off),
                (first, count, dst, off) -> t.readOnce((long) first * columns, count * columns, dst, off));
    }

    /** Reads rows {@code [first, first + count)} into {@code dst[off..]}. */
    @FunctionalInterface
    interface RowReader {
        void read(int first, int count, float[] dst, int off);
    }

    private static WeightMatrix of(int rows, int columns, int storedBytes, RowReader reader, RowReader once) {
        return new WeightMatrix() {
            @Override
            public int storedBytes() {
                return storedBytes;
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
                reader.read(first, count, dst, off);
            }

            @Override
            public void readRowsOnce(int first, int count, float[] dst, int off) {
                once.read(first, count, dst, off);
            }
        };
    }
}
