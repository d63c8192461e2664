package dev.st4j.io;

import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.QuantizedEmbeddings;
import java.util.Arrays;

/**
 * An immutable 1-D or 2-D array of embeddings as stored in a file, in one of the element types that numpy,
 * Python's safetensors and vector stores share: float32, float16, int8 or uint8, row-major (C order).
 */
public final class EmbeddingArray {
    /** Element types, with numpy's and safetensors' names. */
    public enum Type {
        FLOAT32("f4", "F32", 4),
        FLOAT16("f2", "F16", 2),
        INT8("i1", "I8", 1),
        UINT8("u1", "U8", 1);

        final String numpyCode;
        final String safetensorsName;
        final int bytes;

        Type(String numpyCode, String safetensorsName, int bytes) {
            this.numpyCode = numpyCode;
            this.safetensorsName = safetensorsName;
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** numpy's little-endian {@code descr}: {@code <f4}, {@code <f2}, {@code |i1}, {@code |u1}. */
        public String numpyDescr() {
            return (bytes == 1 ? "|" : "<") + numpyCode;
        }
    }

    private final Type type;
    private final int[] shape;
    // Exactly one is set: floats for FLOAT32, halves (IEEE binary16 bits) for FLOAT16, bytes for INT8/UINT8.
    private final float[] floats;
    private final short[] halves;
    private final byte[] bytes;

    private EmbeddingArray(Type type, int[] shape, float[] floats, short[] halves, byte[] bytes) {
        this.type = type;
        this.shape = shape;
        this.floats = floats;
        this.halves = halves;
        this.bytes = bytes;
    }

    /** float32 embeddings, shape {@code [rows, cols]}. */
    public static EmbeddingArray of(FloatMatrix embeddings) {
        return new EmbeddingArray(Type.FLOAT32, embeddings.shape(), embeddings.toRowMajorArray(), null, null);
    }

    /** The embeddings rounded to float16 (nearest even, as numpy's {@code astype(float16)}), shape {@code [rows, cols]}. */
    public static EmbeddingArray float16(FloatMatrix embeddings) {
        float[] x = embeddings.toRowMajorArray();
        short[] h = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = Float.floatToFloat16(x[i]);
        }
        return new EmbeddingArray(Type.FLOAT16, embeddings.shape(), null, h, null);
    }

    /** Quantized embeddings: int8 and binary as int8, uint8 and ubinary as uint8 (Python's dtypes). */
    public static EmbeddingArray of(QuantizedEmbeddings quantized) {
        Type t = quantized.precision().signed() ? Type.INT8 : Type.UINT8;
        return new EmbeddingArray(t, new int[] {quantized.rows(), quantized.cols()}, null, null,
                quantized.toByteArray());
    }

    /** Wraps values read from a file; {@code data} is a float[], short[] or byte[] matching {@code type}. */
    static EmbeddingArray read(Type type, int[] shape, Object data) {
        return switch (type) {
            case FLOAT32 -> new EmbeddingArray(type, shape, (float[]) data, null, null);
            case FLOAT16 -> new EmbeddingArray(type, shape, null, (short[]) data, null);
            case INT8, UINT8 -> new EmbeddingArray(type, shape, null, null, (byte[]) data);
        };
    }

    /** Number of elements a shape holds, or -1 when it exceeds what one Java array can hold. */
    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            n = Math.multiplyHigh(n, d) != 0 ? -1 : n * d;
            if (n < 0 || n > Integer.MAX_VALUE - 8) {
                return -1;
            }
        }
        return n;
    }

    public Type type() {
        return type;
    }

    /** {@code [n]} or {@code [rows, cols]}, like numpy's {@code shape}. */
    public int[] shape() {
        return shape.clone();
    }

    /** Rows: the first dimension, or 1 for a 1-D array. */
    public int rows() {
        return shape.length == 1 ? 1 : shape[0];
    }

    /** Columns: the last dimension. */
    public int cols() {
        return shape[shape.length - 1];
    }

    /** The values as float32 (float16 widened exactly, int8/uint8 as their integer values); a 1-D array is one row. */
    public FloatMatrix toFloatMatrix() {
        float[] out;
        switch (type) {
            case FLOAT32 -> out = floats;
            case FLOAT16 -> {
                out = new float[halves.length];
                for (int i = 0; i < halves.length; i++) {
                    out[i] = Float.float16ToFloat(halves[i]);
                }
            }
            case INT8 -> {
                out = new float[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    out[i] = bytes[i];
                }
            }
            case UINT8 -> {
                out = new float[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    out[i] = Byte.toUnsignedInt(bytes[i]);
                }
            }
            default -> throw new AssertionError(type);
        }
        return FloatMatrix.of(rows(), cols(), out);
    }

    /**
     * The bytes as quantized embeddings of {@code precision}: int8 arrays as {@code INT8} or {@code BINARY}, uint8
     * arrays as {@code UINT8} or {@code UBINARY} (a file does not record which, so the caller says).
     */
    public QuantizedEmbeddings toQuantized(Precision precision) {
        boolean wantSigned = precision.signed();
        if (bytes == null || precision == Precision.FLOAT32 || (type == Type.INT8) != wantSigned) {
            throw new IllegalArgumentException("a " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " array cannot be read as " + precision.pythonName() + " embeddings; "
                    + "int8 arrays hold int8 or binary, uint8 arrays hold uint8 or ubinary");
        }
        return QuantizedEmbeddings.of(precision, rows(), cols(), bytes);
    }

    /** Writes the values little-endian into {@code out}, starting at element {@code from}, as many as fit. */
    int putLittleEndian(java.nio.ByteBuffer out, int from) {
        int n = Math.min(out.remaining() / type.bytes, length() - from);
        switch (type) {
            case FLOAT32 -> out.asFloatBuffer().put(floats, from, n);
            case FLOAT16 -> out.asShortBuffer().put(halves, from, n);
            default -> out.put(bytes, from, n);
        }
        if (type.bytes > 1) {
            out.position(out.position() + n * type.bytes);
        }
        return n;
    }

    int length() {
        return floats != null ? floats.length : halves != null ? halves.length : bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingArray a && a.type == type && Arrays.equals(a.shape, shape)
                && Arrays.equals(a.floats, floats) && Arrays.equals(a.halves, halves) && Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "EmbeddingArray[" + type.name().toLowerCase(java.util.Locale.ROOT) + ", shape "
                + Arrays.toString(shape) + "]";
    }
}
