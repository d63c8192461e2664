package dev.st4j.internal.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its type and shape, and its bytes still in the memory-mapped file. Reads widen
 * F16 and BF16 to float on the way out, so a 16-bit checkpoint never exists as floats in memory as a whole.
 * Instances are immutable and safe to read from several threads.
 *
 * <p>Two ways to read: {@link #read} through the mapping, for data read again and again (embedding rows, 16-bit
 * matrices widened tile by tile), and {@link #readOnce} through the file, for data copied once (weights packed at
 * load, biases): a page read through the mapping stays in the process's resident memory until the mapping goes,
 * which only the garbage collector decides, so reading packed weights that way kept ~42 MB of all-MiniLM-L6-v2's
 * file resident beside their packed copy for the life of the process.
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
    /** The open file the mapping came from, and where this tensor's bytes start in it. */
    private final FileChannel file;
    private final long position;

    Tensor(String name, DType dtype, long[] shape, ByteBuffer bytes, FileChannel file, long position) {
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
        this.file = file;
        this.position = position;
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
        checkRange(first, count, dst, offset);
        // A mapped tensor holds fewer than 2^31 bytes, so its index fits an int.
        widen(dtype, floats, shorts, (int) first, dst, offset, count);
    }

    private void checkRange(long first, int count, float[] dst, int offset) {
        if (first < 0 || count < 0 || first + count > size) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count) + ") of " + name
                    + " with " + size + " elements");
        }
        java.util.Objects.checkFromIndexSize(offset, count, dst.length);
    }

    /** {@code count} elements from index {@code start} of {@code floats} (F32) or {@code shorts}, widened to float. */
    private static void widen(DType dtype, FloatBuffer floats, ShortBuffer shorts, int start, float[] dst,
            int offset, int count) {
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

    /**
     * {@link #read}, but through the file rather than the mapping, so the pages read do not become part of the
     * process's resident memory (the page cache keeps them, shared, as for any file read). For data read once.
     * Falls back to the mapping if the file was closed (an interrupt during an earlier read closes it).
     */
    public void readOnce(long first, int count, float[] dst, int offset) {
        checkRange(first, count, dst, offset);
        int width = dtype.bytes();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min((long) count * width, READ_CHUNK_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        try {
            while (done < count) {
                int n = Math.min(count - done, chunk.capacity() / width);
                chunk.clear().limit(n * width);
                long at = position + (first + done) * width;
                while (chunk.hasRemaining()) {
                    if (file.read(chunk, at + chunk.position()) < 0) {
                        throw new UncheckedIOException(new IOException(name + ": file ends inside the tensor"));
                    }
                }
                chunk.flip();
                widen(dtype, dtype == DType.F32 ? chunk.asFloatBuffer() : null,
                        dtype == DType.F32 ? null : chunk.asShortBuffer(), 0, dst, offset + done, n);
                done += n;
            }
        } catch (ClosedChannelException e) {
            read(first + done, count - done, dst, offset + done);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** Bytes per positional read of {@link #readOnce}: one packed tile's rows of a large layer, or so. */
    private static final int READ_CHUNK_BYTES = 1 << 18;

    /** All elements as floats, read once: meant for small tensors (biases, norms), not for weight matrices. */
    public float[] toFloatArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(name + " has " + size + " elements, too many for one array");
        }
        float[] out = new float[(int) size];
        readOnce(0, out.length, out, 0);
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
