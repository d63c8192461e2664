package dev.st4j.internal.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its type and shape, and its bytes still in the memory-mapped file. Reads widen
 * F16 and BF16 to float on the way out, so a 16-bit checkpoint never exists as floats in memory as a whole.
 * Instances are immutable and safe to read from several threads.
 */
public final class Tensor {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long size;
    /** Read-only, little-endian view of exactly this tensor's bytes. */
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final ShortBuffer shorts;

    Tensor(String name, DType dtype, long[] shape, ByteBuffer bytes) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        this.size = n;
        this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.floats = dtype == DType.F32 ? this.bytes.asFloatBuffer() : null;
        this.shorts = dtype == DType.F32 ? null : this.bytes.asShortBuffer();
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    /** The shape as the header declares it (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** The shape for messages, e.g. {@code [384, 1536]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /** Whether the shape equals {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /**
     * Copies {@code count} elements starting at flat index {@code first} into {@code dst[offset..]}, widened to float.
     *
     * @throws IndexOutOfBoundsException if the range is outside the tensor or the array
     */
    public void read(long first, int count, float[] dst, int offset) {
        if (first < 0 || count < 0 || first + count > size) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count) + ") of " + name
                    + " with " + size + " elements");
        }
        java.util.Objects.checkFromIndexSize(offset, count, dst.length);
        int start = (int) first; // a mapped tensor holds fewer than 2^31 bytes, so its index fits an int
        switch (dtype) {
            case F32 -> floats.get(start, dst, offset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.float16ToFloat(shorts.get(start + i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.intBitsToFloat(shorts.get(start + i) << 16);
                }
            }
        }
    }

    /** All elements as floats: meant for small tensors (biases, norms), not for weight matrices. */
    public float[] toFloatArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(name + " has " + size + " elements, too many for one array");
        }
        float[] out = new float[(int) size];
        read(0, out.length, out, 0);
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
