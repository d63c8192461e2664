package dev.st4j.internal.embedded;

import dev.st4j.ModelFormatException;
import dev.st4j.internal.protobuf.ProtobufReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The initializers and nodes of an ONNX model, read straight from its protobuf bytes with {@link ProtobufReader} (no
 * ONNX Runtime, no protobuf library): only the fields a Hugging Face checkpoint is rebuilt from. ModelProto.graph = 7;
 * GraphProto.node = 1, initializer = 5; NodeProto input = 1, output = 2, name = 3, op_type = 4; TensorProto dims = 1,
 * data_type = 2, float_data = 4, name = 8, raw_data = 9, data_location = 14. Tensor data is not copied: an
 * initializer keeps the position of its bytes in the (memory-mapped) model. A truncated or corrupt file fails with a
 * {@link ModelFormatException} instead of reading out of bounds.
 */
final class OnnxExportReader {
    /** TensorProto.DataType FLOAT. */
    static final int FLOAT = 1;
    private static final int EXTERNAL = 1;

    /**
     * An initializer: its ONNX dims, element type, and either the position of its little-endian {@code raw_data}
     * in the model bytes or (rare, small tensors) its {@code float_data} values.
     */
    record Initializer(String name, long[] dims, int dataType, int rawOffset, int rawLength, float[] floatData) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** A graph node. */
    record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

    final Map<String, Initializer> initializers = new LinkedHashMap<>();
    final List<Node> nodes = new ArrayList<>();
    private final Path file;
    private final ByteBuffer bytes;

    /** Reads {@code bytes} (positions 0 to limit), the content of {@code file}. */
    OnnxExportReader(Path file, ByteBuffer bytes) {
        this.file = file;
        this.bytes = bytes;
        ProtobufReader r = ProtobufReader.of(file, "ONNX protobuf", bytes);
        boolean graph = false;
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 7 && (tag & 7) == 2) {
                readGraph(r.sub());
                graph = true;
            } else {
                r.skip(tag);
            }
        }
        if (!graph) {
            throw new ModelFormatException(file, "is not an ONNX model: it has no graph");
        }
    }

    /** The float values of a FLOAT initializer, row-major as ONNX stores them. */
    float[] floats(Initializer init) {
        if (init.floatData() != null) {
            return init.floatData().clone();
        }
        float[] out = new float[init.rawLength() / 4];
        bytes.slice(init.rawOffset(), init.rawLength()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** The initializer's data as little-endian float32 bytes (a view of the model when it has raw data). */
    ByteBuffer littleEndianBytes(Initializer init) {
        if (init.floatData() == null) {
            return bytes.slice(init.rawOffset(), init.rawLength());
        }
        ByteBuffer b = ByteBuffer.allocate(init.floatData().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(init.floatData());
        return b;
    }

    private void readGraph(ProtobufReader r) {
        while (r.more()) {
            int tag = r.tag();
            if ((tag >>> 3) == 1 && (tag & 7) == 2) {
                readNode(r.sub());
            } else if ((tag >>> 3) == 5 && (tag & 7) == 2) {
                readTensor(r.sub());
            } else {
                r.skip(tag);
            }
        }
    }

    private void readNode(ProtobufReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3;
            if ((tag & 7) != 2 || field < 1 || field > 4) {
                r.skip(tag);
                continue;
            }
            String s = r.string();
            switch (field) {
                case 1 -> in.add(s);
                case 2 -> out.add(s);
                case 3 -> name = s;
                default -> op = s;
            }
        }
        nodes.add(new Node(name, op, List.copyOf(in), List.copyOf(out)));
    }

    private void readTensor(ProtobufReader r) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        int rawOffset = -1;
        int rawLength = 0;
        List<Float> floats = new ArrayList<>();
        int location = 0;
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (field == 1 && wire == 0) {
                dims.add(r.varint());
            } else if (field == 1 && wire == 2) {
                ProtobufReader p = r.sub();
                while (p.more()) {
                    dims.add(p.varint());
                }
            } else if (field == 2 && wire == 0) {
                type = (int) r.varint();
            } else if (field == 4 && wire == 2) {
                ProtobufReader p = r.sub();
                while (p.more()) {
                    floats.add(p.float32());
                }
            } else if (field == 4 && wire == 5) {
                floats.add(r.float32());
            } else if (field == 8 && wire == 2) {
                name = r.string();
            } else if (field == 9 && wire == 2) {
                ProtobufReader p = r.sub();
                rawOffset = p.position();
                rawLength = p.end() - p.position();
            } else if (field == 14 && wire == 0) {
                location = (int) r.varint();
            } else {
                r.skip(tag);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        for (long d : shape) {
            if (d < 0) {
                throw new ModelFormatException(file, "initializer '" + name + "' has a negative dimension");
            }
        }
        if (location == EXTERNAL) {
            throw new ModelFormatException(file, "initializer '" + name + "' keeps its data in an external file; "
                    + "st4j converts only self-contained ONNX models");
        }
        float[] floatData = null;
        if (rawOffset < 0) {
            floatData = new float[floats.size()];
            for (int i = 0; i < floatData.length; i++) {
                floatData[i] = floats.get(i);
            }
        }
        Initializer init = new Initializer(name, shape, type, rawOffset, rawLength, floatData);
        if (type == FLOAT) {
            long have = floatData != null ? floatData.length : rawLength / 4L;
            if ((floatData == null && rawLength % 4 != 0) || have != init.elements()) {
                throw new ModelFormatException(file, "initializer '" + name + "' has dims "
                        + java.util.Arrays.toString(shape) + " but " + (floatData != null ? have + " values"
                        : rawLength + " bytes of data"));
            }
        }
        if (initializers.put(name, init) != null) {
            throw new ModelFormatException(file, "initializer '" + name + "' is defined twice");
        }
    }
}
