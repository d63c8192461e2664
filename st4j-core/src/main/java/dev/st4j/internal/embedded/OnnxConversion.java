package dev.st4j.internal.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.ModelFormatException;
import dev.st4j.internal.modelfolder.StalePartials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Rebuilds a Hugging Face {@code model.safetensors} (F32) from the initializers of a transformers ONNX export, so
 * the pure-Java engine runs a model that ships only ONNX weights. The exports keep Hugging Face names except for
 * Linear weights, which become {@code onnx::MatMul_NNN} stored {@code [in, out]}; each such MatMul feeds exactly one
 * Add whose other input is {@code <module>.bias}, so its weight is {@code <module>.weight}, transposed back to
 * PyTorch's {@code [out, in]}. Constants the exporter adds ({@code onnx::*}, {@code /...}) and non-float
 * initializers are left out. An export that does not follow this rule is refused, not guessed at.
 *
 * <p>The output marks itself in its {@code __metadata__}: the converter version, the size and CRC-32C of the ONNX
 * file it came from, and the CRC-32C of its own data. {@link #problem} checks all of them, so a stale, corrupt or
 * half-written file is never taken for a good one; {@link #convert} publishes the file atomically.
 */
final class OnnxConversion {
    /** Bump when the output for the same input changes. */
    static final String VERSION = "st4j-onnx-initializers/1";
    static final String CONVERTER = "st4j.converter";
    static final String SOURCE_BYTES = "st4j.source_bytes";
    static final String SOURCE_CRC = "st4j.source_crc32c";
    static final String DATA_CRC = "st4j.data_crc32c";
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxConversion() {}

    /** Writes the safetensors checkpoint of {@code onnx} to {@code out}: whole, or not at all. */
    static void convert(Path onnx, Path out) {
        Path folder = out.toAbsolutePath().getParent();
        Path tmp = null;
        try (FileChannel in = FileChannel.open(onnx, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > Integer.MAX_VALUE) {
                throw new ModelFormatException(onnx, "is " + size + " bytes; st4j converts ONNX files under 2 GB");
            }
            ByteBuffer bytes = in.map(FileChannel.MapMode.READ_ONLY, 0, size);
            OnnxExportReader graph = new OnnxExportReader(onnx, bytes);
            List<Output> outputs = plan(onnx, graph);
            StalePartials.clean(folder); // what a writer that died here left
            tmp = Files.createTempFile(folder, "." + out.getFileName() + ".partial-", "");
            write(tmp, graph, outputs, size, crc(bytes.duplicate()));
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new ModelFormatException(out, "cannot convert " + onnx + " to safetensors: " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A leftover partial file is never read: only the published name is.
                }
            }
        }
    }

    /** Why {@code out} is not a current, intact conversion of {@code onnx}; null when it is. */
    static String problem(Path onnx, Path out) {
        if (!Files.isRegularFile(out)) {
            return "it is missing";
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                return "it is " + size + " bytes long (truncated)";
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLength = lenBuf.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                return "its header length " + headerLength + " does not fit the " + size + "-byte file (truncated?)";
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            while (header.hasRemaining() && ch.read(header, 8 + header.position()) > 0) {
                // read fully
            }
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            JsonNode meta = root == null ? null : root.get("__metadata__");
            if (meta == null || !VERSION.equals(meta.path(CONVERTER).asText())) {
                return "it was not written by this st4j's converter (" + VERSION + "; the file says "
                        + (meta == null ? "nothing" : meta.path(CONVERTER).asText("nothing")) + ")";
            }
            long dataBytes = 0;
            for (var it = root.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    dataBytes = Math.max(dataBytes, e.getValue().path("data_offsets").path(1).asLong());
                }
            }
            long dataStart = 8 + headerLength;
            if (size != dataStart + dataBytes) {
                return "it is " + size + " bytes but its header describes " + (dataStart + dataBytes)
                        + " (truncated or appended to)";
            }
            long sourceSize = Files.size(onnx);
            if (!Long.toString(sourceSize).equals(meta.path(SOURCE_BYTES).asText())) {
                return "it was converted from a " + meta.path(SOURCE_BYTES).asText() + "-byte " + onnx.getFileName()
                        + ", not this " + sourceSize + "-byte one (stale)";
            }
            if (!crc(ch, dataStart, dataBytes).equals(meta.path(DATA_CRC).asText())) {
                return "its data does not match its checksum (corrupt)";
            }
            try (FileChannel src = FileChannel.open(onnx, StandardOpenOption.READ)) {
                if (!crc(src, 0, sourceSize).equals(meta.path(SOURCE_CRC).asText())) {
                    return "it was converted from a different " + onnx.getFileName() + " (stale)";
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "it cannot be read (" + e + ")";
        }
    }

    /** One tensor of the output: its Hugging Face name and shape, and whether ONNX stores it transposed. */
    private record Output(String name, long[] shape, OnnxExportReader.Initializer source, boolean transposed) {}

    /** Names every kept initializer after the rule in the class comment. */
    private static List<Output> plan(Path onnx, OnnxExportReader graph) {
        Map<String, List<OnnxExportReader.Node>> consumers = new HashMap<>();
        for (OnnxExportReader.Node n : graph.nodes) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, String> weightNames = new HashMap<>();
        for (OnnxExportReader.Node n : graph.nodes) {
            if (!n.opType().equals("MatMul") || n.inputs().size() != 2 || n.outputs().size() != 1) {
                continue;
            }
            OnnxExportReader.Initializer w = graph.initializers.get(n.inputs().get(1));
            if (w == null || w.dataType() != OnnxExportReader.FLOAT) {
                continue; // activation x activation (attention scores), not a Linear layer
            }
            String product = n.outputs().get(0);
            List<OnnxExportReader.Node> adds = consumers.getOrDefault(product, List.of()).stream()
                    .filter(a -> a.opType().equals("Add")).toList();
            String bias = adds.size() != 1 ? null : adds.get(0).inputs().stream().filter(s -> !s.equals(product))
                    .findFirst().orElse(null);
            if (bias == null || !bias.endsWith(".bias") || !graph.initializers.containsKey(bias)) {
                throw new ModelFormatException(onnx, "MatMul '" + n.name() + "' is not followed by one Add of a "
                        + "'<module>.bias' initializer, so its weight '" + w.name() + "' cannot be given its Hugging "
                        + "Face name; use the ONNX backend for this model");
            }
            if (w.dims().length != 2) {
                throw new ModelFormatException(onnx, "MatMul weight '" + w.name() + "' is not a matrix");
            }
            String name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            String previous = weightNames.put(w.name(), name);
            if (previous != null && !previous.equals(name)) {
                throw new ModelFormatException(onnx, "initializer '" + w.name() + "' is the weight of both "
                        + previous + " and " + name);
            }
        }
        List<Output> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (OnnxExportReader.Initializer init : graph.initializers.values()) {
            String name = weightNames.get(init.name());
            Output o;
            if (name != null) {
                o = new Output(name, new long[] {init.dims()[1], init.dims()[0]}, init, true);
            } else if (init.dataType() == OnnxExportReader.FLOAT && !init.name().startsWith("onnx::")
                    && !init.name().startsWith("/") && !init.name().isEmpty()) {
                o = new Output(init.name(), init.dims(), init, false);
            } else {
                continue;
            }
            if (seen.put(o.name(), init.name()) != null) {
                throw new ModelFormatException(onnx, "two initializers become the tensor '" + o.name() + "'");
            }
            out.add(o);
        }
        if (out.isEmpty()) {
            throw new ModelFormatException(onnx, "has no float weights to convert");
        }
        return out;
    }

    private static void write(Path file, OnnxExportReader graph, List<Output> outputs, long sourceBytes, String sourceCrc)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(CONVERTER, VERSION);
        meta.put(SOURCE_BYTES, Long.toString(sourceBytes));
        meta.put(SOURCE_CRC, sourceCrc);
        // Same width as the real checksum, so the header can be rewritten in place once the data is written.
        meta.put(DATA_CRC, "00000000");
        byte[] header = header(meta, outputs);
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.position(8 + header.length);
            for (Output o : outputs) {
                ByteBuffer data = o.transposed() ? transposed(graph, o) : graph.littleEndianBytes(o.source());
                crc.update(data.duplicate());
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            }
            meta.put(DATA_CRC, String.format("%08x", crc.getValue()));
            byte[] finalHeader = header(meta, outputs);
            if (finalHeader.length != header.length) {
                throw new IllegalStateException("header length changed");
            }
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(finalHeader).flip();
            while (head.hasRemaining()) {
                ch.write(head, head.position());
            }
            ch.force(true);
        }
    }

    private static byte[] header(Map<String, String> meta, List<Output> outputs) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("__metadata__", meta);
        long offset = 0;
        for (Output o : outputs) {
            long bytes = o.source().elements() * 4;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", o.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            root.put(o.name(), entry);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        // Data starts 8-byte aligned, as the reference writer keeps it.
        byte[] padded = java.util.Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        java.util.Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    /** An {@code [in, out]} ONNX weight as {@code [out, in]} little-endian floats. */
    private static ByteBuffer transposed(OnnxExportReader graph, Output o) {
        float[] src = graph.floats(o.source());
        int in = Math.toIntExact(o.source().dims()[0]);
        int out = Math.toIntExact(o.source().dims()[1]);
        ByteBuffer b = ByteBuffer.allocate(src.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                b.putFloat(src[c * out + r]);
            }
        }
        return b.flip();
    }

    /**
     * The checksum of {@code [from, from + length)} of {@code ch}, read through the file rather than a mapping: the
     * check runs on every load, and a mapping's pages stay in the process's resident memory until the collector
     * unmaps it (about 180 MB here, the converted file and its source).
     */
    private static String crc(FileChannel ch, long from, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(length, 1 << 20));
        for (long at = from, end = from + length; at < end; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - at));
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("ends at byte " + at + ", before the " + end + " its header describes");
            }
            at += n;
            crc.update(buf.flip());
        }
        return String.format("%08x", crc.getValue());
    }

    private static String crc(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return String.format("%08x", crc.getValue());
    }
}
