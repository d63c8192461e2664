package dev.st4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.Quantization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .npy} format as numpy documents it (numpy/lib/format.py): magic {@code \x93NUMPY}, major and minor
 * version bytes, a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), then the dict's repr with keys in
 * sorted order, 21 minus the digits of the first dimension spaces of growth room, spaces up to a 64-byte boundary
 * (numpy always pads at least one) and a newline.
 */
class NpyTest {
    @TempDir
    Path dir;

    /** The bytes numpy 1.0 writes, built here by hand from the documented rules. */
    static byte[] numpyHeader(int major, String dict, int firstDim) {
        int lenBytes = major == 1 ? 2 : 4;
        String text = dict + " ".repeat(21 - Integer.toString(firstDim).length());
        int total = 6 + 2 + lenBytes + text.length() + 1;
        int pad = 64 - total % 64;
        String padded = text + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + lenBytes + padded.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (lenBytes == 2) {
            b.putShort((short) padded.length());
        } else {
            b.putInt(padded.length());
        }
        b.put(padded.getBytes(StandardCharsets.UTF_8));
        return b.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] written(EmbeddingArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        return out.toByteArray();
    }

    @Test
    void float32HeaderIsNumpysByteForByte() throws IOException {
        FloatMatrix m = FloatMatrix.of(new float[][] {{1f, -2f, 0.5f}, {3f, 4f, 5f}});
        byte[] bytes = written(EmbeddingArray.of(m));
        byte[] expectedHeader = numpyHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 2);
        assertEquals(128, expectedHeader.length); // what numpy.save writes for this dict: two 64-byte blocks
        assertArrayEquals(expectedHeader, Arrays.copyOf(bytes, expectedHeader.length));
        ByteBuffer data = ByteBuffer.wrap(bytes, 128, bytes.length - 128).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1f, data.getFloat());
        assertEquals(-2f, data.getFloat());
        assertEquals(0.5f, data.getFloat());
        assertEquals(128 + 6 * 4, bytes.length);
    }

    @Test
    void otherTypesAndShapesUseNumpysDescrAndTupleRepr() throws IOException {
        assertArrayEquals(numpyHeader(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (0, 384), }", 0),
                Npy.header(EmbeddingArray.Type.FLOAT16, 0, 384));
        assertArrayEquals(numpyHeader(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }", 5),
                Npy.header(EmbeddingArray.Type.INT8, 5));
        assertArrayEquals(numpyHeader(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1000000, 48), }",
                1000000), Npy.header(EmbeddingArray.Type.UINT8, 1_000_000, 48));
    }

    @Test
    void aHeaderEndingOnTheBoundaryGetsAFullBlockOfPadding() {
        // numpy pads 64 - (len % 64) bytes, so an already aligned header still gets 64 more (never zero padding).
        for (int rows = 0; rows < 100_000; rows = rows * 10 + 7) {
            byte[] h = Npy.header(EmbeddingArray.Type.FLOAT32, rows, 384);
            assertEquals(0, h.length % 64);
            assertEquals('\n', h[h.length - 1]);
            assertArrayEquals(numpyHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows
                    + ", 384), }", rows), h);
        }
    }

    @Test
    void theHeaderLengthDoesNotDependOnTheRowCountSoAStreamingWriterCanPatchIt() {
        int length = Npy.header(EmbeddingArray.Type.FLOAT32, 0, 384).length;
        assertEquals(128, length);
        assertEquals(length, Npy.header(EmbeddingArray.Type.FLOAT32, 1_000_000_000L, 384).length);
        assertEquals(length, Npy.header(EmbeddingArray.Type.FLOAT32, 123_456_789_012_345L, 384).length);
    }

    @Test
    void everyTypeRoundTrips() throws IOException {
        FloatMatrix m = FloatMatrix.of(new float[][] {{0.25f, -1.5f, 3f, 0f}, {-0.125f, 2f, -8f, 1f}});
        for (EmbeddingArray a : new EmbeddingArray[] {EmbeddingArray.of(m), EmbeddingArray.float16(m),
                EmbeddingArray.of(Quantization.quantize(m, Precision.INT8)),
                EmbeddingArray.of(Quantization.quantize(m, Precision.UBINARY))}) {
            Path f = dir.resolve(a.type() + ".npy");
            Npy.write(f, a);
            assertEquals(a, Npy.read(f));
        }
        // These values are exact in float16, so the widened matrix is the original.
        assertEquals(m, Npy.read(dir.resolve("FLOAT16.npy")).toFloatMatrix());
        assertEquals(m, Npy.read(dir.resolve("FLOAT32.npy")).toFloatMatrix());
        assertArrayEquals(Quantization.quantize(m, Precision.UBINARY).toByteArray(),
                Npy.read(dir.resolve("UINT8.npy")).toQuantized(Precision.UBINARY).toByteArray());
    }

    @Test
    void headerVersions2And3AndBigEndianFloatsAreRead() throws IOException {
        ByteBuffer be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
        byte[] v2 = concat(numpyHeader(2, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }", 1),
                be.array());
        assertEquals(FloatMatrix.of(new float[][] {{1.5f, -2f}}), read(v2).toFloatMatrix());
        ByteBuffer le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-4f));
        byte[] v3 = concat(numpyHeader(3, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", 2),
                le.array());
        EmbeddingArray a = read(v3);
        assertArrayEquals(new int[] {2}, a.shape());
        assertEquals(FloatMatrix.of(new float[][] {{0.5f, -4f}}), a.toFloatMatrix());
    }

    @Test
    void badFilesAreErrorsNotPartialArrays() throws IOException {
        byte[] body = new byte[6 * 4];
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        assertError(concat(numpyHeader(1, ok, 2), Arrays.copyOf(body, 23)), "truncated");
        assertError(concat(numpyHeader(1, ok, 2), Arrays.copyOf(body, 25)), "trailing");
        assertError(concat(numpyHeader(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 2), body),
                "Fortran order");
        assertError(concat(numpyHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 2),
                new byte[48]), "unsupported dtype '<f8'");
        assertError(concat(numpyHeader(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }", 2), body),
                "unsupported dtype");
        assertError(Arrays.copyOf(numpyHeader(1, ok, 2), 40), "truncated");
        assertError("not a numpy file at all".getBytes(StandardCharsets.US_ASCII), "magic");
    }

    @Test
    void aFailedWriteLeavesNoFileBehind() throws IOException {
        Path target = dir.resolve("out.npy");
        EmbeddingArray a = EmbeddingArray.of(FloatMatrix.of(new float[][] {{1f}}));
        Npy.write(target, a);
        assertEquals(a, Npy.read(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void quantizedArraysReadBackOnlyAsTheirSignedness() throws IOException {
        Path f = dir.resolve("i8.npy");
        FloatMatrix m = FloatMatrix.of(new float[][] {{1f, -1f}});
        Npy.write(f, EmbeddingArray.of(Quantization.quantize(m, Precision.BINARY)));
        EmbeddingArray a = Npy.read(f);
        assertEquals(EmbeddingArray.Type.INT8, a.type());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.toQuantized(Precision.UINT8));
        assertTrue(e.getMessage().contains("int8 arrays hold int8 or binary"), e.getMessage());
    }

    private EmbeddingArray read(byte[] bytes) throws IOException {
        Path f = Files.createTempFile(dir, "in", ".npy");
        Files.write(f, bytes);
        return Npy.read(f);
    }

    private void assertError(byte[] bytes, String expected) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".npy");
        Files.write(f, bytes);
        EmbeddingFileException e = assertThrows(EmbeddingFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        // The stream reader, without a file size to check against, fails the same way.
        assertThrows(EmbeddingFileException.class, () -> Npy.read(new java.io.ByteArrayInputStream(bytes)));
    }
}
