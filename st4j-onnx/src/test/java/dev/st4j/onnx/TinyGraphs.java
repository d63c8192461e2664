package dev.st4j.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX graphs for tests, field by field after onnx.proto3, so the expected outputs are known by hand:
 * the token embedding of each token is row {@code input_id} of a table, plus row {@code position_id} of a second
 * table when the graph declares {@code position_ids}. ONNX Runtime then computes them; st4j must feed and read it
 * correctly.
 */
public final class TinyGraphs {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    /** What to build. */
    public static final class Spec {
        float[][] table;
        float[][] positions;
        String tokenOutput = "last_hidden_state";
        boolean sentenceEmbedding;
        String externalData;

        /** Token embeddings are rows of {@code table} ({@code [vocab][hidden]}). */
        public static Spec lookup(float[][] table) {
            Spec s = new Spec();
            s.table = table;
            return s;
        }

        /** Declares {@code position_ids} and adds row {@code position_id} of {@code positions}. */
        public Spec withPositions(float[][] positions) {
            this.positions = positions;
            return this;
        }

        /** Names the token-level output (default {@code last_hidden_state}). */
        public Spec tokenOutput(String name) {
            this.tokenOutput = name;
            return this;
        }

        /** Adds a {@code sentence_embedding} output that is the sum (not the mean) over the sequence. */
        public Spec withSentenceEmbedding() {
            this.sentenceEmbedding = true;
            return this;
        }

        /** Stores the embedding table in this external data file beside the graph, as large exports do. */
        public Spec externalData(String fileName) {
            this.externalData = fileName;
            return this;
        }

        /** Writes the graph to {@code file} (and its external data beside it). */
        public void writeTo(Path file) throws IOException {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, TinyGraphs.build(this, file.toAbsolutePath().getParent()));
        }
    }

    private TinyGraphs() {}

    static byte[] build(Spec spec, Path folder) throws IOException {
        int hidden = spec.table[0].length;
        Proto graph = new Proto().string(2, "tiny");
        List<Proto> initializers = new ArrayList<>();
        initializers.add(floatTensor("table", spec.table, spec.externalData, folder));
        graph.message(1, node("Gather", List.of("table", "input_ids"), "tokens"));
        String hiddenName = "tokens";
        if (spec.positions != null) {
            initializers.add(floatTensor("position_table", spec.positions, null, folder));
            graph.message(1, node("Gather", List.of("position_table", "position_ids"), "positions"));
            graph.message(1, node("Add", List.of("tokens", "positions"), "hidden"));
            hiddenName = "hidden";
        }
        graph.message(1, node("Identity", List.of(hiddenName), spec.tokenOutput));
        if (spec.sentenceEmbedding) {
            initializers.add(new Proto().varint(1, 1).varint(2, INT64).string(8, "axes")
                    .bytes(9, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array()));
            graph.message(1, node("ReduceSum", List.of(hiddenName, "axes"), "sentence_embedding")
                    .message(5, new Proto().string(1, "keepdims").varint(3, 0).varint(20, 2)));
        }
        initializers.forEach(t -> graph.message(5, t));
        graph.message(11, valueInfo("input_ids", INT64, "batch", "sequence"));
        graph.message(11, valueInfo("attention_mask", INT64, "batch", "sequence"));
        if (spec.positions != null) {
            graph.message(11, valueInfo("position_ids", INT64, "batch", "sequence"));
        }
        graph.message(12, valueInfo(spec.tokenOutput, FLOAT, "batch", "sequence", hidden));
        if (spec.sentenceEmbedding) {
            graph.message(12, valueInfo("sentence_embedding", FLOAT, "batch", hidden));
        }
        return new Proto().varint(1, 8).string(2, "st4j-tests").message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13)).toByteArray();
    }

    private static Proto node(String op, List<String> inputs, String output) {
        Proto n = new Proto();
        inputs.forEach(i -> n.string(1, i));
        return n.string(2, output).string(3, op + "_" + output).string(4, op);
    }

    private static Proto floatTensor(String name, float[][] rows, String externalFile, Path folder)
            throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (float v : row) {
                raw.putFloat(v);
            }
        }
        Proto t = new Proto().varint(1, rows.length).varint(1, rows[0].length).varint(2, FLOAT).string(8, name);
        if (externalFile == null) {
            return t.bytes(9, raw.array());
        }
        Files.write(folder.resolve(externalFile), raw.array());
        return t.message(13, new Proto().string(1, "location").string(2, externalFile))
                .message(13, new Proto().string(1, "offset").string(2, "0"))
                .message(13, new Proto().string(1, "length").string(2, String.valueOf(raw.capacity())))
                .varint(14, 1);
    }

    /** A tensor value: each dimension a symbolic name (String) or a size (Integer). */
    private static Proto valueInfo(String name, int elemType, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof Integer size ? new Proto().varint(1, size) : new Proto().string(2, (String) d));
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Protobuf wire format, enough for ONNX: varints and length-delimited fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            raw((long) field << 3 | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
