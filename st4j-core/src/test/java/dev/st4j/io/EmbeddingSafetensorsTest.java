package dev.st4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.Quantization;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named embeddings with metadata in the safetensors layout: 8-byte length, JSON header, contiguous data. */
class EmbeddingSafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void tensorsAndTextsRoundTripInTheDocumentedLayout() throws IOException {
        FloatMatrix m = FloatMatrix.of(new float[][] {{1f, 2f}, {3f, -4f}});
        Map<String, EmbeddingArray> tensors = new LinkedHashMap<>();
        tensors.put("embeddings", EmbeddingArray.of(m));
        tensors.put("int8", EmbeddingArray.of(Quantization.quantize(m, Precision.INT8)));
        Path f = dir.resolve("e.safetensors");
        List<String> texts = List.of("first \"quoted\" text", "zweiter Text ✓");
        EmbeddingSafetensors.write(f, tensors, EmbeddingSafetensors.metadata(texts, "all-MiniLM-L6-v2"));

        byte[] bytes = Files.readAllBytes(f);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
        assertEquals(8 + headerLength + 16 + 4, bytes.length);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"embeddings\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}"), header);
        assertTrue(header.contains("\"int8\":{\"dtype\":\"I8\",\"shape\":[2,2],\"data_offsets\":[16,20]}"), header);
        assertEquals(3f, ByteBuffer.wrap(bytes, (int) (8 + headerLength) + 8, 4).order(ByteOrder.LITTLE_ENDIAN)
                .getFloat());

        EmbeddingSafetensors.Contents c = EmbeddingSafetensors.read(f);
        assertEquals(tensors, c.tensors());
        assertEquals(texts, c.texts());
        assertEquals("all-MiniLM-L6-v2", c.metadata().get(EmbeddingSafetensors.MODEL_KEY));
    }

    @Test
    void truncatedOrUnknownTypesAreErrors() throws IOException {
        Path f = dir.resolve("e.safetensors");
        EmbeddingSafetensors.write(f, Map.of("e", EmbeddingArray.of(FloatMatrix.of(new float[][] {{1f, 2f}}))),
                Map.of());
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1));
        assertTrue(assertThrows(EmbeddingFileException.class, () -> EmbeddingSafetensors.read(cut)).getMessage()
                .contains("truncated"));
        Path f64 = dir.resolve("f64.safetensors");
        String h = "{\"e\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + h.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length()).put(h.getBytes(StandardCharsets.US_ASCII));
        Files.write(f64, b.array());
        assertTrue(assertThrows(EmbeddingFileException.class, () -> EmbeddingSafetensors.read(f64)).getMessage()
                .contains("dtype 'F64'"));
    }
}
