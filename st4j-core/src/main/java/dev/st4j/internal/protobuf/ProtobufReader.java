package dev.st4j.internal.protobuf;

import dev.st4j.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A cursor over protobuf wire-format bytes {@code [position, end)} of a (usually memory-mapped) file: tags, varints,
 * fixed-width values and length-delimited sub-messages, without a protobuf library. Nothing is copied; a
 * sub-message is a cursor over the same bytes. Every length is checked against the bytes left in its message, so a
 * truncated or corrupt file fails with a {@link ModelFormatException} naming it instead of reading out of bounds.
 */
public final class ProtobufReader {
    /** Wire type of a varint field. */
    public static final int VARINT = 0;
    /** Wire type of a length-delimited field (bytes, strings, sub-messages, packed repeated values). */
    public static final int LEN = 2;
    /** Wire type of a 32-bit field ({@code float}, {@code fixed32}). */
    public static final int FIXED32 = 5;
    private static final int FIXED64 = 1;

    private final Path file;
    private final String format;
    private final ByteBuffer bytes;
    private final int end;
    private int pos;

    private ProtobufReader(Path file, String format, ByteBuffer bytes, int pos, int end) {
        this.file = file;
        this.format = format;
        this.bytes = bytes;
        this.pos = pos;
        this.end = end;
    }

    /**
     * A cursor over {@code bytes} from 0 to its limit, the content of {@code file}; {@code format} names the message
     * in errors ({@code "ONNX protobuf"}).
     */
    public static ProtobufReader of(Path file, String format, ByteBuffer bytes) {
        return new ProtobufReader(file, format, bytes, 0, bytes.limit());
    }

    /** The field number of a tag. */
    public static int field(int tag) {
        return tag >>> 3;
    }

    /** The wire type of a tag. */
    public static int wireType(int tag) {
        return tag & 7;
    }

    /** Whether the message has bytes left. */
    public boolean more() {
        return pos < end;
    }

    /** The position of the next byte in the underlying buffer. */
    public int position() {
        return pos;
    }

    /** The position just past this message. */
    public int end() {
        return end;
    }

    /** The next field's tag ({@code field << 3 | wire type}). */
    public int tag() {
        long t = varint();
        if (t <= 0 || t > Integer.MAX_VALUE) {
            throw malformed("a field tag of " + t);
        }
        return (int) t;
    }

    /** A base-128 varint, up to 64 bits. */
    public long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw truncated();
            }
            byte b = bytes.get(pos++);
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw malformed("a varint longer than 10 bytes");
    }

    /** A little-endian 32-bit float. */
    public float float32() {
        if (end - pos < 4) {
            throw truncated();
        }
        int bits = (bytes.get(pos) & 0xff) | (bytes.get(pos + 1) & 0xff) << 8 | (bytes.get(pos + 2) & 0xff) << 16
                | (bytes.get(pos + 3) & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** The length-delimited value that follows, as a cursor over its bytes; this cursor moves past it. */
    public ProtobufReader sub() {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw truncated();
        }
        ProtobufReader r = new ProtobufReader(file, format, bytes, pos, pos + (int) len);
        pos += (int) len;
        return r;
    }

    /** The length-delimited value that follows, as UTF-8 text. */
    public String string() {
        return sub().text();
    }

    /** The rest of this message (a string field's value, from {@link #sub}) as UTF-8 text. */
    public String text() {
        byte[] b = new byte[end - pos];
        bytes.get(pos, b);
        pos = end;
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Skips the value of a field whose tag was just read. */
    public void skip(int tag) {
        switch (wireType(tag)) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LEN -> sub();
            case FIXED32 -> advance(4);
            default -> throw malformed("wire type " + wireType(tag));
        }
    }

    private void advance(int n) {
        if (end - pos < n) {
            throw truncated();
        }
        pos += n;
    }

    private ModelFormatException truncated() {
        return new ModelFormatException(file, "is not a valid " + format + " (a field runs past the end of its "
                + "message: truncated or corrupt file)");
    }

    private ModelFormatException malformed(String what) {
        return new ModelFormatException(file, "is not a valid " + format + " (" + what + ")");
    }
}
