package dev.st4j.onnx;

import dev.st4j.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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

    private static final int LEN = 2;

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
            new Scan(onnxFile, buf, out).model(0, buf.limit());
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

    /** One pass over nested messages of a mapped file. */
    private static final class Scan {
        private final Path file;
        private final ByteBuffer buf;
        private final Set<String> out;
        /** The position after the last varint read. */
        private int next;

        Scan(Path file, ByteBuffer buf, Set<String> out) {
            this.file = file;
            this.buf = buf;
            this.out = out;
        }

        void model(int from, int to) {
            fields(from, to, (field, start, end) -> {
                if (field == MODEL_GRAPH) {
                    graph(start, end);
                }
            });
        }

        void graph(int from, int to) {
            fields(from, to, (field, start, end) -> {
                switch (field) {
                    case GRAPH_INITIALIZER -> tensor(start, end);
                    case GRAPH_NODE -> fields(start, end, (f, s, e) -> {
                        if (f == NODE_ATTRIBUTE) {
                            attribute(s, e);
                        }
                    });
                    case GRAPH_SPARSE_INITIALIZER -> fields(start, end, (f, s, e) -> {
                        if (f == SPARSE_VALUES || f == SPARSE_INDICES) {
                            tensor(s, e);
                        }
                    });
                    default -> { }
                }
            });
        }

        void attribute(int from, int to) {
            fields(from, to, (field, start, end) -> {
                switch (field) {
                    case ATTRIBUTE_TENSOR, ATTRIBUTE_TENSORS -> tensor(start, end);
                    case ATTRIBUTE_GRAPH, ATTRIBUTE_GRAPHS -> graph(start, end);
                    default -> { }
                }
            });
        }

        void tensor(int from, int to) {
            fields(from, to, (field, start, end) -> {
                if (field != TENSOR_EXTERNAL_DATA) {
                    return;
                }
                String[] kv = new String[2];
                fields(start, end, (f, s, e) -> {
                    if (f == ENTRY_KEY || f == ENTRY_VALUE) {
                        byte[] bytes = new byte[e - s];
                        buf.get(s, bytes);
                        kv[f - 1] = new String(bytes, StandardCharsets.UTF_8);
                    }
                });
                if ("location".equals(kv[0]) && kv[1] != null) {
                    out.add(kv[1]);
                }
            });
        }

        /** Calls {@code visitor} for each length-delimited field in {@code [from, to)}; skips the others. */
        void fields(int from, int to, Visitor visitor) {
            int pos = from;
            while (pos < to) {
                long tag = varint(pos, to);
                pos = next;
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                switch (wire) {
                    case 0 -> {
                        varint(pos, to);
                        pos = next;
                    }
                    case 1 -> pos += 8;
                    case 5 -> pos += 4;
                    case LEN -> {
                        long length = varint(pos, to);
                        pos = next;
                        if (length < 0 || length > to - pos) {
                            throw malformed();
                        }
                        visitor.visit(field, pos, pos + (int) length);
                        pos += (int) length;
                    }
                    default -> throw malformed();
                }
                if (pos > to) {
                    throw malformed();
                }
            }
        }

        long varint(int pos, int to) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= to) {
                    throw malformed();
                }
                byte b = buf.get(pos++);
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    next = pos;
                    return value;
                }
            }
            throw malformed();
        }

        ModelFormatException malformed() {
            return new ModelFormatException(file, "is not a valid ONNX protobuf file");
        }
    }

    @FunctionalInterface
    private interface Visitor {
        void visit(int field, int start, int end);
    }
}
