package dev.st4j.internal.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A safetensors checkpoint, memory-mapped: one {@code .safetensors} file or the shards listed by a
 * {@code model.safetensors.index.json}. The header is checked completely before any tensor is handed out (bounded
 * length, known types, shapes that match their byte ranges, ranges inside the file that do not overlap), so a
 * corrupt or hostile file fails with a {@link ModelFormatException} naming the problem instead of reading out of
 * bounds. Weights stay in the page cache; nothing is copied to the heap until a caller reads it.
 */
public final class SafetensorsFile {
    /** The single-file checkpoint name Hugging Face writes. */
    public static final String FILE_NAME = "model.safetensors";
    /** The index of a sharded checkpoint. */
    public static final String INDEX_NAME = "model.safetensors.index.json";
    /** Same bound as the reference implementation: a header is JSON text, never near this size. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path source;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path source, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Whether {@code folder} holds a single-file or sharded checkpoint. */
    public static boolean existsIn(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE_NAME)) || Files.isRegularFile(folder.resolve(INDEX_NAME));
    }

    /**
     * Opens a checkpoint: a {@code .safetensors} file, a {@code *.index.json} of shards, or a folder holding
     * {@value #FILE_NAME} (preferred) or {@value #INDEX_NAME}.
     */
    public static SafetensorsFile open(Path path) {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(FILE_NAME);
            if (Files.isRegularFile(single)) {
                return open(single);
            }
            Path index = path.resolve(INDEX_NAME);
            if (Files.isRegularFile(index)) {
                return open(index);
            }
            throw new ModelFormatException(single, "missing: the folder has neither " + FILE_NAME + " nor "
                    + INDEX_NAME);
        }
        if (path.getFileName().toString().endsWith(".json")) {
            return openSharded(path);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = readFile(path, metadata);
        return new SafetensorsFile(path, tensors, metadata);
    }

    /** The file or index this checkpoint was opened from. */
    public Path source() {
        return source;
    }

    /** Tensor names, in header order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The {@code __metadata__} of the (first) file. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor with this name, if any. */
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensor with this name, or a {@link ModelFormatException} naming it. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(source, "tensor '" + name + "' is missing");
        }
        return t;
    }

    /** The shard files a {@code model.safetensors.index.json} names, in first-use order, relative to its folder. */
    public static List<String> shardNames(Path index) {
        Set<String> out = new LinkedHashSet<>();
        weightMap(index).forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    private static JsonNode weightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (IOException e) {
            throw new ModelFormatException(index, "cannot read the shard index: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index, "expected an object \"weight_map\" of tensor name -> shard file");
        }
        return map;
    }

    private static SafetensorsFile openSharded(Path index) {
        JsonNode map = weightMap(index);
        Path folder = index.toAbsolutePath().getParent();
        Map<String, Map<String, Tensor>> shards = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(index, "weight_map entry '" + e.getKey() + "' is not a file name");
            }
            String shardName = e.getValue().asText();
            Path shard = folder.resolve(shardName).normalize();
            if (!shard.startsWith(folder) || Path.of(shardName).isAbsolute()) {
                throw new ModelFormatException(index, "shard '" + shardName + "' points outside the folder");
            }
            Map<String, Tensor> inShard = shards.computeIfAbsent(shardName,
                    k -> readFile(shard, metadata.isEmpty() ? metadata : new LinkedHashMap<>()));
            Tensor t = inShard.get(e.getKey());
            if (t == null) {
                throw new ModelFormatException(shard, "tensor '" + e.getKey() + "' listed in " + index.getFileName()
                        + " is not in this shard");
            }
            tensors.put(e.getKey(), t);
        }
        return new SafetensorsFile(index, tensors, metadata);
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    /** Parses and validates one file's header, then maps each tensor's byte range. */
    private static Map<String, Tensor> readFile(Path file, Map<String, String> metadata) {
        // Kept open for the tensors' reads that bypass the mapping (Tensor.readOnce): it reads the file whose
        // header was checked even if the path is replaced later. Closed when unreachable, like the mappings.
        FileChannel ch = null;
        boolean ok = false;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new ModelFormatException(file, "too short for a safetensors file (" + fileSize
                        + " bytes; it starts with an 8-byte header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLength = lenBuf.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new ModelFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                        + " is not between 2 and " + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLength > fileSize - 8) {
                throw new ModelFormatException(file, "header length " + headerLength + " runs past the end of the "
                        + fileSize + "-byte file (truncated?)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
            readFully(ch, headerBuf, 8, file);
            String headerText;
            try {
                headerText = StandardCharsets.UTF_8.newDecoder().decode(headerBuf.flip()).toString();
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(file, "header is not UTF-8", e);
            }
            long dataStart = 8 + headerLength;
            List<Entry> entries = parseHeader(file, headerText, fileSize - dataStart, metadata);

            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                long length = e.end() - e.begin();
                if (length > Integer.MAX_VALUE) {
                    throw new ModelFormatException(file, "tensor '" + e.name() + "' has " + length
                            + " bytes; st4j maps tensors of up to 2 GB each (the file itself may be larger)");
                }
                // One mapping per tensor keeps every mapping under 2 GB however large the file is.
                ByteBuffer bytes = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), length);
                tensors.put(e.name(), new Tensor(e.name(), e.dtype(), e.shape(), bytes, ch, dataStart + e.begin()));
            }
            ok = true;
            return tensors;
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read: " + e.getMessage(), e);
        } finally {
            if (!ok && ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing with the cause above
                }
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ModelFormatException(file, "ends early, at byte " + pos);
            }
            pos += n;
        }
    }

    static List<Entry> parseHeader(Path file, String text, long dataSize, Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, "header must be a JSON object of tensor name -> "
                    + "{dtype, shape, data_offsets}");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (name.equals("__metadata__")) {
                if (!node.isObject()) {
                    throw new ModelFormatException(file, "__metadata__ must be an object of strings");
                }
                node.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.add(parseEntry(file, name, node, dataSize));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : byOffset) {
            if (previous != null && e.begin() < previous.end() && e.end() > e.begin()) {
                throw new ModelFormatException(file, "tensors '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end()
                        + ") overlap");
            }
            if (previous == null || e.end() > previous.end()) {
                previous = e;
            }
        }
        return entries;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataSize) {
        if (!node.isObject()) {
            throw new ModelFormatException(file, "tensor '" + name + "': expected an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new ModelFormatException(file, "tensor '" + name + "': missing \"dtype\"");
        }
        DType dtype = DType.fromHeader(dtypeNode.asText()).orElseThrow(() -> new ModelFormatException(file,
                "tensor '" + name + "' has dtype " + dtypeNode.asText() + "; st4j reads F32, F16 and BF16"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new ModelFormatException(file, "tensor '" + name + "': missing \"shape\" array");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFormatException(file, "tensor '" + name + "': shape " + shapeNode
                        + " must hold non-negative integers");
            }
            shape[i] = d.asLong();
            elements = multiplyOrFail(file, name, elements, shape[i]);
        }
        long byteSize = multiplyOrFail(file, name, elements, dtype.bytes());
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new ModelFormatException(file, "tensor '" + name + "': \"data_offsets\" must be [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] are not an increasing range");
        }
        if (end > dataSize) {
            throw new ModelFormatException(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] run past the end of the data (" + dataSize + " bytes; truncated file?)");
        }
        if (end - begin != byteSize) {
            throw new ModelFormatException(file, "tensor '" + name + "': shape " + shapeNode + " of " + dtype
                    + " needs " + byteSize + " bytes but data_offsets give " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long multiplyOrFail(Path file, String name, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new ModelFormatException(file, "tensor '" + name + "': shape is too large", e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile(" + source + ", " + tensors.size() + " tensors)";
    }
}
