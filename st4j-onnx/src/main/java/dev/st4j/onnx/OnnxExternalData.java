package dev.st4j.onnx;

import dev.st4j.ModelFormatException;
import dev.st4j.internal.protobuf.ProtobufReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The external-data files an ONNX graph names ({@code model.onnx_data}, or one file per tensor as
 * {@code torch.onnx} writes them), read from the protobuf without loading it: only the message headers of the
 * graph, its initializers and node attributes are visited; tensor bytes are skipped.
 */
final class OnnxExternalData {
    // Field numbers of onnx.proto3.
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_TENSORS = 10;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private OnnxExternalData() {}

    /** The {@code location}s the graph's tensors name, relative to the folder of {@code onnxFile}, in order. */
    static List<String> locations(Path onnxFile) {
        try (FileChannel ch = FileChannel.open(onnxFile, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new ModelFormatException(onnxFile, "is larger than 2 GB, which a protobuf ONNX file cannot be; "
                        + "large models keep their weights in external data files");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            Set<String> out = new LinkedHashSet<>();
            model(ProtobufReader.of(onnxFile, "ONNX protobuf", buf), out);
            for (String location : out) {
                checkRelative(onnxFile, location);
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new ModelFormatException(onnxFile, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static void checkRelative(Path onnxFile, String location) {
        Path p = Path.of(location);
        if (location.isEmpty() || p.isAbsolute() || p.normalize().startsWith("..")) {
            throw new ModelFormatException(onnxFile, "names the external data file '" + location
                    + "', which is not inside its folder");
        }
    }

    private static void model(ProtobufReader r, Set<String> out) {
        fields(r, (field, value) -> {
            if (field == MODEL_GRAPH) {
                graph(value, out);
            }
        });
    }

    private static void graph(ProtobufReader r, Set<String> out) {
        fields(r, (field, value) -> {
            switch (field) {
                case GRAPH_INITIALIZER -> tensor(value, out);
                case GRAPH_NODE -> fields(value, (f, v) -> {
                    if (f == NODE_ATTRIBUTE) {
                        attribute(v, out);
                    }
                });
                case GRAPH_SPARSE_INITIALIZER -> fields(value, (f, v) -> {
                    if (f == SPARSE_VALUES || f == SPARSE_INDICES) {
                        tensor(v, out);
                    }
                });
                default -> { }
            }
        });
    }

    private static void attribute(ProtobufReader r, Set<String> out) {
        fields(r, (field, value) -> {
            switch (field) {
                case ATTRIBUTE_TENSOR, ATTRIBUTE_TENSORS -> tensor(value, out);
                case ATTRIBUTE_GRAPH, ATTRIBUTE_GRAPHS -> graph(value, out);
                default -> { }
            }
        });
    }

    private static void tensor(ProtobufReader r, Set<String> out) {
        fields(r, (field, value) -> {
            if (field != TENSOR_EXTERNAL_DATA) {
                return;
            }
            String[] kv = new String[2];
            fields(value, (f, v) -> {
                if (f == ENTRY_KEY || f == ENTRY_VALUE) {
                    kv[f - 1] = v.text();
                }
            });
            if ("location".equals(kv[0]) && kv[1] != null) {
                out.add(kv[1]);
            }
        });
    }

    /** Calls {@code visitor} for each length-delimited field of the message; skips the others. */
    private static void fields(ProtobufReader r, Visitor visitor) {
        while (r.more()) {
            int tag = r.tag();
            if (ProtobufReader.wireType(tag) == ProtobufReader.LEN) {
                visitor.visit(ProtobufReader.field(tag), r.sub());
            } else {
                r.skip(tag);
            }
        }
    }

    @FunctionalInterface
    private interface Visitor {
        void visit(int field, ProtobufReader value);
    }
}
