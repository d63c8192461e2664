package dev.st4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named embedding arrays in a {@code .safetensors} file, readable by Python's {@code safetensors.numpy.load_file}
 * and {@code safetensors.torch.load_file}, with optional string metadata (the texts and the model id when asked).
 * Reading checks the whole header first: known dtypes, shapes matching their byte ranges, ranges that tile the data.
 */
public final class EmbeddingSafetensors {
    /** Metadata key holding the encoded texts, as a JSON array of strings. */
    public static final String TEXTS_KEY = "texts";
    /** Metadata key holding the model's id or path. */
    public static final String MODEL_KEY = "model";
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddingSafetensors() {}

    /**
     * What a file holds.
     *
     * @param tensors the arrays by name, in file order
     * @param metadata the {@code __metadata__} strings
     */
    public record Contents(Map<String, EmbeddingArray> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** The texts stored under {@value #TEXTS_KEY}, or an empty list when there are none. */
        public List<String> texts() {
            String json = metadata.get(TEXTS_KEY);
            if (json == null) {
                return List.of();
            }
            try {
                return List.copyOf(JSON.readValue(json, new TypeReference<List<String>>() {}));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("metadata '" + TEXTS_KEY + "' is not a JSON array of strings");
            }
        }
    }

    /** Metadata recording the texts (as a JSON array) and the model, for {@link #write}; either may be null. */
    public static Map<String, String> metadata(List<String> texts, String model) {
        Map<String, String> m = new LinkedHashMap<>();
        if (texts != null) {
            try {
                m.put(TEXTS_KEY, JSON.writeValueAsString(texts));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        if (model != null) {
            m.put(MODEL_KEY, model);
        }
        return m;
    }

    /** Writes {@code tensors} in iteration order with {@code metadata} (may be empty), atomically. */
    public static void write(Path file, Map<String, EmbeddingArray> tensors, Map<String, String> metadata)
            throws IOException {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("no tensors to write");
        }
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, EmbeddingArray> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            }
            EmbeddingArray a = e.getValue();
            long bytes = (long) a.length() * a.type().bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", a.type().safetensorsName);
            entry.put("shape", a.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), entry);
            offset += bytes;
        }
        StringBuilder text = new StringBuilder(JSON.writeValueAsString(header));
        // Python's safetensors pads the header with spaces so the data starts 8-byte aligned.
        while (text.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            text.append(' ');
        }
        byte[] h = text.toString().getBytes(StandardCharsets.UTF_8);
        Npy.writeAtomically(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (EmbeddingArray a : tensors.values()) {
                Npy.writeData(out, a);
            }
        });
    }

    /** Reads every tensor of a safetensors file whose dtypes are F32, F16, I8 or U8, with its metadata. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            InputStream in = Channels.newInputStream(ch);
            byte[] lenBytes = in.readNBytes(8);
            if (lenBytes.length != 8) {
                throw new EmbeddingFileException(file, "truncated: shorter than the 8-byte header length");
            }
            long headerLength = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new EmbeddingFileException(file, "header length " + headerLength
                        + " does not fit the file; not a safetensors file, or truncated");
            }
            JsonNode header;
            try {
                header = JSON.readTree(in.readNBytes((int) headerLength));
            } catch (JsonProcessingException e) {
                throw new EmbeddingFileException(file, "header is not JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw new EmbeddingFileException(file, "header is not a JSON object");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Slot> slots = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> {
                        if (!m.getValue().isTextual()) {
                            throw new EmbeddingFileException(file, "metadata '" + m.getKey() + "' is not a string");
                        }
                        metadata.put(m.getKey(), m.getValue().asText());
                    });
                } else {
                    slots.add(Slot.parse(e.getKey(), e.getValue(), file));
                }
            }
            long dataBytes = size - 8 - headerLength;
            List<Slot> byOffset = new ArrayList<>(slots);
            byOffset.sort(java.util.Comparator.comparingLong(Slot::start));
            long expected = 0;
            for (Slot s : byOffset) {
                if (s.start != expected) {
                    throw new EmbeddingFileException(file, "tensor '" + s.name + "' starts at byte " + s.start
                            + ", expected " + expected + " (gap or overlap in data_offsets)");
                }
                expected = s.end;
            }
            if (expected != dataBytes) {
                throw new EmbeddingFileException(file, (expected > dataBytes ? "truncated" : "has trailing bytes")
                        + ": the tensors need " + expected + " data bytes, the file holds " + dataBytes);
            }
            Map<String, EmbeddingArray> tensors = new LinkedHashMap<>();
            long dataStart = 8 + headerLength;
            for (Slot s : slots) {
                ch.position(dataStart + s.start);
                tensors.put(s.name, readArray(Channels.newInputStream(ch), s));
            }
            return new Contents(tensors, metadata);
        }
    }

    private static EmbeddingArray readArray(InputStream in, Slot s) throws IOException {
        byte[] raw = in.readNBytes((int) (s.end - s.start));
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int n = raw.length / s.type.bytes();
        Object data = switch (s.type) {
            case FLOAT32 -> {
                float[] f = new float[n];
                b.asFloatBuffer().get(f);
                yield f;
            }
            case FLOAT16 -> {
                short[] h = new short[n];
                b.asShortBuffer().get(h);
                yield h;
            }
            case INT8, UINT8 -> raw;
        };
        return EmbeddingArray.read(s.type, s.shape, data);
    }

    private record Slot(String name, EmbeddingArray.Type type, int[] shape, long start, long end) {
        static Slot parse(String name, JsonNode node, Path file) {
            String dtype = node.path("dtype").asText("");
            EmbeddingArray.Type type = null;
            for (EmbeddingArray.Type t : EmbeddingArray.Type.values()) {
                if (t.safetensorsName.equals(dtype)) {
                    type = t;
                }
            }
            if (type == null) {
                throw new EmbeddingFileException(file, "tensor '" + name + "' has dtype '" + dtype
                        + "'; st4j reads F32, F16, I8 and U8 embeddings");
            }
            JsonNode shapeNode = node.path("shape");
            JsonNode offsets = node.path("data_offsets");
            if (!shapeNode.isArray() || shapeNode.size() < 1 || shapeNode.size() > 2 || !offsets.isArray()
                    || offsets.size() != 2 || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
                throw new EmbeddingFileException(file, "tensor '" + name
                        + "' needs a 1-D or 2-D shape and two data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).canConvertToLong() ? shapeNode.get(i).asLong() : -1;
            }
            long elements = EmbeddingArray.elements(shape);
            long start = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            if (elements < 0 || start < 0 || end - start != elements * type.bytes()) {
                throw new EmbeddingFileException(file, "tensor '" + name + "': shape " + shapeNode
                        + " does not match data_offsets " + offsets);
            }
            int[] dims = new int[shape.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = (int) shape[i];
            }
            return new Slot(name, type, dims, start, end);
        }
    }
}
