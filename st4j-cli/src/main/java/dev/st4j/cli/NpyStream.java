package dev.st4j.cli;

import dev.st4j.FloatMatrix;
import dev.st4j.io.EmbeddingArray;
import dev.st4j.io.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * A float32 {@code .npy} file written block by block before the row count is known. numpy's header leaves room for
 * the first dimension to grow in place ({@link Npy#header}), so the header written first with 0 rows is rewritten
 * with the final count at the same length by {@link #finish}.
 */
final class NpyStream {
    private final FileChannel file;
    private final int cols;
    private final int headerLength;
    private ByteBuffer buf = ByteBuffer.allocate(0);
    private long rows;

    NpyStream(FileChannel file, int cols) throws IOException {
        this.file = file;
        this.cols = cols;
        byte[] h = Npy.header(EmbeddingArray.Type.FLOAT32, 0, cols);
        this.headerLength = h.length;
        file.write(ByteBuffer.wrap(h), 0);
        file.position(headerLength);
    }

    void append(FloatMatrix block) throws IOException {
        int bytes = block.rows() * cols * 4;
        if (buf.capacity() < bytes) {
            buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        buf.clear();
        float[] row = new float[cols];
        for (int r = 0; r < block.rows(); r++) {
            block.copyRow(r, row, 0);
            for (float v : row) {
                buf.putFloat(v);
            }
        }
        buf.flip();
        while (buf.hasRemaining()) {
            file.write(buf);
        }
        rows += block.rows();
    }

    /** Rewrites the header with the final shape; it has the placeholder's length. */
    void finish() throws IOException {
        byte[] h = Npy.header(EmbeddingArray.Type.FLOAT32, rows, cols);
        if (h.length != headerLength) {
            throw new IllegalStateException("the .npy header grew from " + headerLength + " to " + h.length + " bytes");
        }
        file.write(ByteBuffer.wrap(h), 0);
    }
}
