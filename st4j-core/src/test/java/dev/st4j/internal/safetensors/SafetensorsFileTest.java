package dev.st4j.internal.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading well-formed checkpoints, and refusing crafted broken ones with a message instead of a bad read. */
class SafetensorsFileTest {
    @TempDir
    Path dir;

    /** A file as the format defines it: 8-byte little-endian header length, JSON header, data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    ModelFormatException refused(byte[] bytes) throws IOException {
        Path p = write("bad.safetensors", bytes);
        return assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p));
    }

    @Test
    void readsF32F16AndBf16TensorsWidenedToFloat() throws IOException {
        ByteBuffer half = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1.5f, -2f}) {
            half.putShort(Float.floatToFloat16(v));
        }
        for (float v : new float[] {0.5f, 3f}) {
            half.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        byte[] data = new byte[24 + 8];
        System.arraycopy(floats(1, 2, 3, 4, 5, 6), 0, data, 0, 24);
        System.arraycopy(half.array(), 0, data, 24, 8);
        Path p = write("model.safetensors", file("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[28,32]}}", data));
        SafetensorsFile st = SafetensorsFile.open(dir);
        assertEquals("pt", st.metadata().get("format"));
        Tensor w = st.get("w");
        assertTrue(w.hasShape(2, 3));
        float[] row = new float[3];
        w.read(3, 3, row, 0);
        assertArrayEquals(new float[] {4, 5, 6}, row);
        assertArrayEquals(new float[] {1.5f, -2f}, st.get("h").toFloatArray());
        assertArrayEquals(new float[] {0.5f, 3f}, st.get("b").toFloatArray());
        assertThrows(IndexOutOfBoundsException.class, () -> w.read(4, 3, row, 0));
        assertTrue(assertThrows(ModelFormatException.class, () -> st.get("nope")).getMessage().contains("nope"));
    }

    /**
     * {@code readOnce} (weights packed at load read through the file, not the mapping) returns what the mapping
     * does, across its read chunks, and keeps reading the file that was opened when the path is replaced.
     */
    @Test
    void readOnceReadsThroughTheFileAcrossChunksAndReplacements() throws IOException {
        int n = 300_000; // 1.2 MB: several of readOnce's chunks
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f - 7;
        }
        Path p = write("model.safetensors", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + n / 100 + ",100],"
                + "\"data_offsets\":[0," + 4 * n + "]}}", floats(values)));
        Tensor w = SafetensorsFile.open(p).get("w");
        Path other = write("other.safetensors", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + n / 100
                + ",100],\"data_offsets\":[0," + 4 * n + "]}}", floats(new float[n])));
        Files.move(other, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        float[] once = new float[n - 12_345 + 3];
        w.readOnce(12_345, n - 12_345, once, 3);
        assertArrayEquals(Arrays.copyOfRange(values, 12_345, n), Arrays.copyOfRange(once, 3, once.length));
        float[] mapped = new float[n];
        w.read(0, n, mapped, 0);
        assertArrayEquals(values, mapped);
        assertArrayEquals(values, w.toFloatArray());
        assertThrows(IndexOutOfBoundsException.class, () -> w.readOnce(n - 1, 2, once, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> w.readOnce(0, 10, new float[5], 0));
    }

    @Test
    void readsShardsThroughTheIndex() throws IOException {
        write("a.safetensors", file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(7)));
        write("b.safetensors", file("{\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                floats(8, 9)));
        write(SafetensorsFile.INDEX_NAME, ("{\"metadata\":{},\"weight_map\":{\"x\":\"a.safetensors\","
                + "\"y\":\"b.safetensors\"}}").getBytes(StandardCharsets.UTF_8));
        SafetensorsFile st = SafetensorsFile.open(dir);
        assertEquals(java.util.Set.of("x", "y"), st.names());
        assertArrayEquals(new float[] {8, 9}, st.get("y").toFloatArray());
    }

    @Test
    void shardIndexPointingOutsideTheFolderIsRefused() throws IOException {
        write(SafetensorsFile.INDEX_NAME,
                "{\"weight_map\":{\"x\":\"../evil.safetensors\"}}".getBytes(StandardCharsets.UTF_8));
        assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(dir));
    }

    @Test
    void truncatedHeaderIsRefused() throws IOException {
        byte[] ok = file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1));
        assertTrue(refused(Arrays.copyOf(ok, 20)).getMessage().contains("past the end"));
        assertTrue(refused(Arrays.copyOf(ok, 5)).getMessage().contains("too short"));
    }

    @Test
    void offsetsPastTheEndAreRefused() throws IOException {
        ModelFormatException e = refused(
                file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1)));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("past the end"), e.getMessage());
    }

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        ModelFormatException e = refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2, 3)));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }

    @Test
    void absurdHeaderLengthIsRefused() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        assertTrue(refused(b.array()).getMessage().contains("header length"));
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(0);
        assertTrue(refused(b.array()).getMessage().contains("header length"));
    }

    @Test
    void unknownDtypeIsRefusedByName() throws IOException {
        ModelFormatException e = refused(
                file("{\"x\":{\"dtype\":\"Q4_K\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1)));
        assertTrue(e.getMessage().contains("Q4_K"), e.getMessage());
    }

    @Test
    void shapeThatDisagreesWithByteSizeIsRefused() throws IOException {
        ModelFormatException e = refused(
                file("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2)));
        assertTrue(e.getMessage().contains("needs 12 bytes"), e.getMessage());
        refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                floats(1, 2)));
        refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", floats(1, 2)));
    }

    @Test
    void headerThatIsNotAnObjectIsRefused() throws IOException {
        refused(file("[1,2]", new byte[0]));
        refused(file("{\"x\":", new byte[0]));
        refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", floats(1)));
    }
}
