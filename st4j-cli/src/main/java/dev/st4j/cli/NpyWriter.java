package dev.st4j.cli;

import dev.st4j.FloatMatrix;
import dev.st4j.QuantizedEmbeddings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** Writes embeddings as a numpy {@code .npy} file (format 1.0, C order; float32 little-endian, or int8/uint8). */
final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    /** Room in a streamed header for any row count: {@code Long.MAX_VALUE} has 19 digits. */
    private static final int ROW_DIGITS = 19;

    private NpyWriter() {}

    static void write(FloatMatrix m, OutputStream out) throws IOException {
        out.write(header("<f4", m.rows(), m.cols(), 0));
        ByteBuffer buf = ByteBuffer.allocate(m.cols() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < m.rows(); r++) {
            buf.clear();
            for (float v : m.row(r)) {
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Quantized embeddings as int8 ({@code |i1}) or uint8 ({@code |u1}). */
    static void write(QuantizedEmbeddings q, OutputStream out) throws IOException {
        out.write(header(q.precision().signed() ? "|i1" : "|u1", q.rows(), q.cols(), 0));
        out.write(q.toByteArray());
    }

    /**
     * A float32 {@code .npy} written row block by row block, before the row count is known: the header is written
     * with room for any count and rewritten in place by {@link #finish}.
     */
    static final class Streaming {
        private final FileChannel file;
        private final int cols;
        private final int headerLength;
        private ByteBuffer buf = ByteBuffer.allocate(0);
        private long rows;

        Streaming(FileChannel file, int cols) throws IOException {
            this.file = file;
            this.cols = cols;
            byte[] h = header("<f4", 0, cols, ROW_DIGITS);
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

        /** Rewrites the header with the final shape, the same length as the placeholder. */
        void finish() throws IOException {
            byte[] h = header("<f4", rows, cols, ROW_DIGITS);
            if (h.length != headerLength) {
                throw new IllegalStateException("npy header changed length");
            }
            file.write(ByteBuffer.wrap(h), 0);
        }
    }

    /**
     * The magic, the header length and the header dict, padded with spaces to a multiple of 64 bytes and ended by
     * a newline. {@code reserveDigits} > 0 pads as if the row count had that many digits, so a later, longer count
     * fits in the same length.
     */
    private static byte[] header(String descr, long rows, int cols, int reserveDigits) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int reserve = Math.max(0, reserveDigits - Long.toString(rows).length());
        int unpadded = MAGIC.length + 2 + dict.length() + reserve + 1;
        int padding = (64 - unpadded % 64) % 64 + reserve;
        String header = dict + " ".repeat(padding) + "\n";
        byte[] text = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[MAGIC.length + 2 + text.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[MAGIC.length] = (byte) (text.length & 0xff);
        out[MAGIC.length + 1] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, MAGIC.length + 2, text.length);
        return out;
    }
}
