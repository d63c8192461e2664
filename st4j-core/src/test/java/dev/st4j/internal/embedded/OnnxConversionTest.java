package dev.st4j.internal.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.ModelFormatException;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX-initializer converter on small ONNX protobufs written by hand in this test (field numbers from onnx.proto),
 * so every expected name, shape and value is known without running the converter.
 */
class OnnxConversionTest {

    /** Protobuf wire format, just enough to write ModelProto / GraphProto / NodeProto / TensorProto. */
    static final class Proto {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            key(field, 0);
            raw(v);
            return this;
        }

        Proto bytes(int field, byte[] b) {
            key(field, 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto p) {
            return bytes(field, p.out.toByteArray());
        }

        private void key(int field, int wire) {
            raw((long) field << 3 | wire);
        }

        private void raw(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    static Proto floatTensor(String name, float[] values, long... dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return t.varint(2, 1).string(8, name).bytes(9, b.array());
    }

    static Proto node(String name, String op, String[] inputs, String... outputs) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        for (String o : outputs) {
            n.string(2, o);
        }
        return n.string(3, name).string(4, op);
    }

    /** Embedding table, a Linear layer exported as MatMul + Add, an attention MatMul and exporter constants. */
    static Proto graph() {
        Proto packed = new Proto();
        ByteBuffer fl = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f)
                .putFloat(0.25f).putFloat(8f);
        Proto floatData = new Proto().varint(1, 2).varint(1, 2).varint(2, 1).string(8, "emb.word.weight")
                .bytes(4, fl.array());
        Proto int64 = new Proto().varint(1, 2).varint(2, 7).string(8, "emb.position_ids")
                .bytes(9, new byte[16]);
        return packed
                .message(1, node("/layer/dense/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_7"}, "m"))
                .message(1, node("/layer/dense/Add", "Add", new String[] {"layer.dense.bias", "m"}, "y"))
                .message(1, node("/attn/MatMul", "MatMul", new String[] {"y", "k"}, "scores"))
                .message(1, node("/attn/Mul", "Mul", new String[] {"scores", "onnx::Mul_9"}, "z"))
                .message(5, floatTensor("emb.LayerNorm.weight", new float[] {3f, 4f}, 2))
                // [in = 2, out = 3]: row i holds the weights from input i to the three outputs.
                .message(5, floatTensor("onnx::MatMul_7", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .message(5, floatTensor("layer.dense.bias", new float[] {0.5f, 0.25f, 0.125f}, 3))
                .message(5, floatTensor("onnx::Mul_9", new float[] {0.125f}))
                .message(5, floatData)
                .message(5, int64);
    }

    static Path writeModel(Path dir, Proto graph) throws IOException {
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, new Proto().varint(1, 8).message(7, graph).toByteArray());
        return onnx;
    }

    static float[] floats(SafetensorsFile f, String name) {
        return f.get(name).toFloatArray();
    }

    @Test
    void linearWeightsGetTheirHuggingFaceNamesAndOutInLayout(@TempDir Path dir) throws IOException {
        Path onnx = writeModel(dir, graph());
        Path out = dir.resolve("model.safetensors");
        OnnxConversion.convert(onnx, out);
        SafetensorsFile st = SafetensorsFile.open(out);
        assertEquals(Set.of("emb.LayerNorm.weight", "layer.dense.weight", "layer.dense.bias", "emb.word.weight"),
                st.names());
        assertTrue(st.get("layer.dense.weight").hasShape(3, 2));
        // [out, in]: output o's row is column o of the ONNX matrix.
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, floats(st, "layer.dense.weight"));
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.125f}, floats(st, "layer.dense.bias"));
        assertArrayEquals(new float[] {3f, 4f}, floats(st, "emb.LayerNorm.weight"));
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 8f}, floats(st, "emb.word.weight"));
        assertEquals(OnnxConversion.VERSION, st.metadata().get(OnnxConversion.CONVERTER));
        assertEquals("pt", st.metadata().get("format"));
        assertNull(OnnxConversion.problem(onnx, out));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no partial file is left behind");
        }
    }

    @Test
    void corruptTruncatedStaleOrForeignFilesAreNotTrusted(@TempDir Path dir) throws IOException {
        Path onnx = writeModel(dir, graph());
        Path out = dir.resolve("model.safetensors");
        OnnxConversion.convert(onnx, out);
        byte[] good = Files.readAllBytes(out);

        byte[] flipped = good.clone();
        flipped[flipped.length - 3] ^= 0x10;
        Files.write(out, flipped);
        assertTrue(OnnxConversion.problem(onnx, out).contains("corrupt"), OnnxConversion.problem(onnx, out));

        Files.write(out, Arrays.copyOf(good, good.length / 2 + 4));
        assertTrue(OnnxConversion.problem(onnx, out).contains("truncated"), OnnxConversion.problem(onnx, out));

        Files.write(out, Arrays.copyOf(good, 5));
        assertTrue(OnnxConversion.problem(onnx, out).contains("truncated"), OnnxConversion.problem(onnx, out));

        String header = new String(good, StandardCharsets.ISO_8859_1).replace(OnnxConversion.VERSION,
                OnnxConversion.VERSION.replace("/1", "/0"));
        Files.write(out, header.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(OnnxConversion.problem(onnx, out).contains("not written by this st4j's converter"),
                OnnxConversion.problem(onnx, out));

        Files.write(out, good);
        assertNull(OnnxConversion.problem(onnx, out));
        byte[] source = Files.readAllBytes(onnx);
        source[source.length - 1] ^= 1; // same size, different bytes
        Files.write(onnx, source);
        assertTrue(OnnxConversion.problem(onnx, out).contains("stale"), OnnxConversion.problem(onnx, out));
        Files.write(onnx, Arrays.copyOf(source, source.length + 1));
        assertTrue(OnnxConversion.problem(onnx, out).contains("stale"), OnnxConversion.problem(onnx, out));

        Files.delete(out);
        assertTrue(OnnxConversion.problem(onnx, out).contains("missing"));
    }

    @Test
    void aMatMulWithoutABiasAddIsRefusedNotGuessed(@TempDir Path dir) throws IOException {
        Proto g = new Proto()
                .message(1, node("/lm_head/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_3"}, "logits"))
                .message(5, floatTensor("onnx::MatMul_3", new float[] {1, 2}, 1, 2));
        Path onnx = writeModel(dir, g);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxConversion.convert(onnx, dir.resolve("model.safetensors")));
        assertTrue(e.getMessage().contains("/lm_head/MatMul") && e.getMessage().contains("ONNX backend"),
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("model.safetensors")));
    }

    @Test
    void truncatedExternalOrGraphlessOnnxFilesAreRefused(@TempDir Path dir) throws IOException {
        Path onnx = writeModel(dir, graph());
        byte[] whole = Files.readAllBytes(onnx);
        Files.write(onnx, Arrays.copyOf(whole, whole.length - 7));
        Path out = dir.resolve("model.safetensors");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxConversion.convert(onnx, out));
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());

        Proto external = new Proto().message(5, new Proto().varint(1, 2).varint(2, 1).string(8, "w.weight")
                .varint(14, 1));
        writeModel(dir, external);
        e = assertThrows(ModelFormatException.class, () -> OnnxConversion.convert(onnx, out));
        assertTrue(e.getMessage().contains("external file"), e.getMessage());

        Files.write(onnx, new Proto().varint(1, 8).toByteArray());
        e = assertThrows(ModelFormatException.class, () -> OnnxConversion.convert(onnx, out));
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the ONNX file: nothing half-written is left");
        }
    }
}
