package dev.st4j.engine.kernels;

import dev.st4j.safetensors.Tensor;

/**
 * A {@code [rows, columns]} weight matrix read a few rows at a time, so the weights can stay memory-mapped (and
 * 16-bit) while {@link Kernels#matmul} widens just the tile it is working on.
 */
public interface WeightMatrix {
    int rows();

    int columns();

    /** Copies rows {@code [first, first + count)} into {@code dst[off..]} as floats, row-major. */
    void readRows(int first, int count, float[] dst, int off);

    /** A matrix over a heap array (tests, benchmarks). */
    static WeightMatrix of(float[] data, int rows, int columns) {
        if ((long) rows * columns != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " floats, not " + rows + "x" + columns);
        }
        return new WeightMatrix() {
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
                System.arraycopy(data, first * columns, dst, off, count * columns);
            }
        };
    }

    /** A matrix over a 2-D tensor of a safetensors file, read in place. */
    static WeightMatrix of(Tensor t) {
        long[] shape = t.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(t + " is not a matrix");
        }
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        return new WeightMatrix() {
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
                t.read((long) first * columns, count * columns, dst, off);
            }
        };
    }
}
