package dev.st4j.cli;

import dev.st4j.FloatMatrix;
import dev.st4j.QuantizedEmbeddings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes embeddings as a numpy {@code .npy} file (format 1.0, C order; float32 little-endian, or int8/uint8). */
final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private NpyWriter() {}

    static void write(FloatMatrix m, OutputStream out) throws IOException {
        writeHeader("<f4", m.rows(), m.cols(), out);
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
        writeHeader(q.precision().signed() ? "|i1" : "|u1", q.rows(), q.cols(), out);
        out.write(q.toByteArray());
    }

    private static void writeHeader(String descr, int rows, int cols, OutputStream out) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        // magic (8) + header length (2) + header, padded with spaces to a multiple of 64 and ended by '\n'.
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        out.write(MAGIC);
        out.write(header.length() & 0xff);
        out.write(header.length() >>> 8);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
    }
}
