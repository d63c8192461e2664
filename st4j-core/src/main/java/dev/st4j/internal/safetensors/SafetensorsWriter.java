package dev.st4j.internal.safetensors;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes float tensors as a safetensors file in F32, F16 or BF16 (round to nearest even): for tests and converters. */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** One tensor: its shape and its values, row-major. */
    public record Entry(long[] shape, float[] data) {}

    /** Writes {@code tensors} in iteration order, all stored as {@code dtype}. */
    public static void write(Path file, Map<String, Entry> tensors, DType dtype) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            long bytes = (long) e.getValue().data().length * dtype.bytes();
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(dtype.name())
                    .append("\",\"shape\":").append(java.util.Arrays.toString(e.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Entry e : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(e.data().length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : e.data()) {
                    switch (dtype) {
                        case F32 -> b.putFloat(v);
                        case F16 -> b.putShort(Float.floatToFloat16(v));
                        case BF16 -> b.putShort(toBf16(v));
                    }
                }
                out.write(b.array());
            }
        }
    }

    static short toBf16(float v) {
        int bits = Float.floatToIntBits(v);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
