package dev.st4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * numpy's {@code .npy} format for embeddings: writes the exact header {@code numpy.save} writes (format 1.0, or 2.0
 * when the header outgrows 65,535 bytes), reads format 1.0, 2.0 and 3.0. C order only; float32, float16, int8,
 * uint8 (either byte order for the floats). A file that is truncated, Fortran-ordered, of another dtype or carries
 * trailing bytes is an {@link EmbeddingFileException}, never a partial array.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to 64 bytes. */
    private static final int ALIGN = 64;
    /** numpy leaves room for the first dimension to grow to this many digits in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** A header is a short dict; anything larger than this is not an embeddings file. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private Npy() {}

    /**
     * The header {@code numpy.save} writes for an array of {@code type} and {@code shape}: magic, version, length,
     * the dict, spaces and a newline, 64-byte aligned. For writers that stream rows after it (little-endian, C order):
     * like numpy's, the header leaves room for the first dimension to grow to 21 digits, so its length does not depend
     * on it, and a writer that learns the row count only at the end can write {@code header(type, 0, cols)} first and
     * overwrite it in place with {@code header(type, rows, cols)}.
     */
    public static byte[] header(EmbeddingArray.Type type, long... shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " has a negative size");
            }
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dims.append(shape.length == 1 ? ",)" : ")"); // Python's repr of a 1-tuple
        String dict = "{'descr': '" + type.numpyDescr() + "', 'fortran_order': False, 'shape': " + dims + ", }";
        if (shape.length > 0) {
            dict += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int lengthBytes = 2;
        int padded = padded(text.length, lengthBytes);
        if (padded > 0xffff) {
            major = 2;
            lengthBytes = 4;
            padded = padded(text.length, lengthBytes);
        }
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + lengthBytes + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (lengthBytes == 2) {
            out.putShort((short) padded);
        } else {
            out.putInt(padded);
        }
        out.put(text);
        while (out.remaining() > 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    /** Header text length including padding and newline; like numpy, pads 1..64 bytes (64 when already aligned). */
    private static int padded(int textLength, int lengthBytes) {
        int unpadded = MAGIC.length + 2 + lengthBytes + textLength + 1;
        return textLength + 1 + (ALIGN - unpadded % ALIGN);
    }

    /** Writes {@code array} to {@code out} (header and data), as {@code numpy.save} would. */
    public static void write(OutputStream out, EmbeddingArray array) throws IOException {
        int[] s = array.shape();
        long[] shape = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = s[i];
        }
        out.write(header(array.type(), shape));
        writeData(out, array);
    }

    /** Writes {@code array} to {@code file} atomically: a temporary file beside it, renamed into place when complete. */
    public static void write(Path file, EmbeddingArray array) throws IOException {
        writeAtomically(file, out -> write(out, array));
    }

    static void writeData(OutputStream out, EmbeddingArray array) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < array.length(); ) {
            buf.clear();
            from += array.putLittleEndian(buf, from);
            out.write(buf.array(), 0, buf.position());
        }
    }

    interface Body {
        void write(OutputStream out) throws IOException;
    }

    static void writeAtomically(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            try { // temporary files are owner-only; the result gets the usual rw-r--r--, as numpy's files
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the defaults
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a {@code .npy} file written by numpy (any header version) or by st4j. */
    public static EmbeddingArray read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            return read(java.nio.channels.Channels.newInputStream(ch), file, ch.size());
        }
    }

    /** Reads a {@code .npy} stream; the stream must end right after the array. */
    public static EmbeddingArray read(InputStream in) throws IOException {
        return read(in, null, -1);
    }

    private static EmbeddingArray read(InputStream in, Path file, long fileSize) throws IOException {
        byte[] prefix = readFully(in, MAGIC.length + 2, file, "the magic string");
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) {
                throw new EmbeddingFileException(file, "not a .npy file (no \\x93NUMPY magic string)");
            }
        }
        int major = prefix[6];
        if (major < 1 || major > 3 || prefix[7] != 0) {
            throw new EmbeddingFileException(file, "unsupported .npy format version " + major + "." + prefix[7]
                    + "; versions 1.0, 2.0 and 3.0 are read");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer len = ByteBuffer.wrap(readFully(in, lengthBytes, file, "the header length"))
                .order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? Short.toUnsignedInt(len.getShort()) : Integer.toUnsignedLong(len.getInt());
        if (headerLength > MAX_HEADER_BYTES) {
            throw new EmbeddingFileException(file, "header of " + headerLength + " bytes is implausibly large");
        }
        byte[] headerBytes = readFully(in, (int) headerLength, file, "the header");
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        HeaderDict dict = HeaderDict.parse(header, file);
        long elements = EmbeddingArray.elements(dict.shape);
        if (elements < 0) {
            throw new EmbeddingFileException(file, "shape " + java.util.Arrays.toString(dict.shape)
                    + " is too large for one Java array");
        }
        long dataBytes = elements * dict.type.bytes();
        long dataStart = MAGIC.length + 2 + lengthBytes + headerLength;
        if (fileSize >= 0 && fileSize != dataStart + dataBytes) {
            throw new EmbeddingFileException(file, (fileSize < dataStart + dataBytes ? "truncated" : "has trailing bytes")
                    + ": shape " + java.util.Arrays.toString(dict.shape) + " of " + dict.type.numpyDescr() + " needs "
                    + dataBytes + " data bytes, the file holds " + (fileSize - dataStart));
        }
        int[] shape = new int[dict.shape.length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) dict.shape[i];
        }
        Object data = readData(in, dict, (int) elements, file);
        if (in.read() != -1) {
            throw new EmbeddingFileException(file, "has trailing bytes after the array's " + dataBytes + " data bytes");
        }
        return EmbeddingArray.read(dict.type, shape, data);
    }

    private static Object readData(InputStream in, HeaderDict dict, int elements, Path file) throws IOException {
        ByteOrder order = dict.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int size = dict.type.bytes();
        byte[] chunk = new byte[Math.max(size, (1 << 16) / size * size)];
        Object out = switch (dict.type) {
            case FLOAT32 -> new float[elements];
            case FLOAT16 -> new short[elements];
            case INT8, UINT8 -> new byte[elements];
        };
        for (int done = 0; done < elements; ) {
            int n = Math.min(chunk.length / size, elements - done);
            int got = in.readNBytes(chunk, 0, n * size);
            if (got != n * size) {
                throw new EmbeddingFileException(file, "truncated: the data ends after " + ((long) done * size + got)
                        + " of " + ((long) elements * size) + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(chunk, 0, got).order(order);
            switch (dict.type) {
                case FLOAT32 -> b.asFloatBuffer().get((float[]) out, done, n);
                case FLOAT16 -> b.asShortBuffer().get((short[]) out, done, n);
                default -> System.arraycopy(chunk, 0, out, done, n);
            }
            done += n;
        }
        return out;
    }

    private static byte[] readFully(InputStream in, int n, Path file, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EmbeddingFileException(file, "truncated: the file ends inside " + what);
        }
        return b;
    }

    /** The three keys of a header: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 384), }}. */
    private record HeaderDict(EmbeddingArray.Type type, boolean bigEndian, long[] shape) {
        static HeaderDict parse(String text, Path file) {
            Literal p = new Literal(text, file);
            String descr = null;
            Boolean fortran = null;
            long[] shape = null;
            p.expect('{');
            while (!p.peek('}')) {
                String key = p.string();
                p.expect(':');
                switch (key) {
                    case "descr" -> descr = p.string();
                    case "fortran_order" -> fortran = p.bool();
                    case "shape" -> shape = p.tuple();
                    default -> throw new EmbeddingFileException(file, "unexpected header key '" + key
                            + "'; a .npy header holds descr, fortran_order and shape");
                }
                if (!p.peek('}')) {
                    p.expect(',');
                }
            }
            p.expect('}');
            p.end();
            if (descr == null || fortran == null || shape == null) {
                throw new EmbeddingFileException(file, "the header lacks descr, fortran_order or shape: " + text.strip());
            }
            if (fortran) {
                throw new EmbeddingFileException(file, "the array is in Fortran order; save it in C order "
                        + "(numpy.ascontiguousarray) to read it here");
            }
            if (shape.length < 1 || shape.length > 2) {
                throw new EmbeddingFileException(file, "the array has " + shape.length
                        + " dimensions; embeddings files hold 1-D or 2-D arrays");
            }
            for (EmbeddingArray.Type t : EmbeddingArray.Type.values()) {
                String code = t.numpyCode;
                if (t.bytes() == 1 && (descr.equals(code) || descr.length() == 3 && descr.endsWith(code)
                        && "|<>=".indexOf(descr.charAt(0)) >= 0)) {
                    return new HeaderDict(t, false, shape);
                }
                if (t.bytes() > 1 && descr.length() == 3 && descr.endsWith(code) && "<>".indexOf(descr.charAt(0)) >= 0) {
                    return new HeaderDict(t, descr.charAt(0) == '>', shape);
                }
            }
            throw new EmbeddingFileException(file, "unsupported dtype '" + descr
                    + "'; st4j reads float32, float16, int8 and uint8 (convert with numpy's astype)");
        }
    }

    /** Just enough of a Python literal reader for numpy's header: strings, True/False, tuples of ints. */
    private static final class Literal {
        private final String s;
        private final Path file;
        private int i;

        Literal(String s, Path file) {
            this.s = s;
            this.file = file;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        boolean peek(char c) {
            skipSpace();
            return i < s.length() && s.charAt(i) == c;
        }

        void expect(char c) {
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
            i++;
        }

        void end() {
            skipSpace();
            if (i != s.length()) {
                throw fail("unexpected text after the dict");
            }
        }

        String string() {
            skipSpace();
            if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
                throw fail("expected a quoted string");
            }
            char q = s.charAt(i++);
            int close = s.indexOf(q, i);
            if (close < 0) {
                throw fail("unterminated string");
            }
            String v = s.substring(i, close);
            i = close + 1;
            return v;
        }

        boolean bool() {
            skipSpace();
            if (s.startsWith("True", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return false;
            }
            throw fail("expected True or False");
        }

        long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (!peek(')')) {
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (start == i || i - start > 18) {
                    throw fail("expected a dimension size");
                }
                dims.add(Long.parseLong(s.substring(start, i)));
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private EmbeddingFileException fail(String what) {
            return new EmbeddingFileException(file, "malformed header at character " + i + " (" + what + "): "
                    + s.strip());
        }
    }
}
