package dev.st4j.internal.embedded;

import dev.st4j.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The initializers and nodes of an ONNX model, read straight from its protobuf bytes (no ONNX Runtime, no protobuf
 * library): only the fields a Hugging Face checkpoint is rebuilt from. ModelProto.graph = 7; GraphProto.node = 1,
 * initializer = 5; NodeProto input = 1, output = 2, name = 3, op_type = 4; TensorProto dims = 1, data_type = 2,
 * float_data = 4, name = 8, raw_data = 9, data_location = 14. Tensor data is not copied: an initializer keeps the
 * position of its bytes in the (memory-mapped) model. Every length is checked against the bytes it claims, so a
 * truncated or corrupt file fails with a {@link ModelFormatException} instead of reading out of bounds.
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
        Cursor r = new Cursor(0, bytes.limit());
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

    private void readGraph(Cursor r) {
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

    private void readNode(Cursor r) {
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

    private void readTensor(Cursor r) {
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
                Cursor p = r.sub();
                while (p.more()) {
                    dims.add(p.varint());
                }
            } else if (field == 2 && wire == 0) {
                type = (int) r.varint();
            } else if (field == 4 && wire == 2) {
                Cursor p = r.sub();
                while (p.more()) {
                    floats.add(p.float32());
                }
            } else if (field == 4 && wire == 5) {
                floats.add(r.float32());
            } else if (field == 8 && wire == 2) {
                name = r.string();
            } else if (field == 9 && wire == 2) {
                Cursor p = r.sub();
                rawOffset = p.pos;
                rawLength = p.end - p.pos;
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

    private ModelFormatException truncated() {
        return new ModelFormatException(file, "is not a valid ONNX protobuf (a field runs past the end of its "
                + "message: truncated or corrupt file)");
    }

    /** A protobuf wire-format cursor over {@code bytes[pos, end)}. */
    private final class Cursor {
        int pos;
        final int end;

        Cursor(int pos, int end) {
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            long t = varint();
            if (t <= 0 || t > Integer.MAX_VALUE) {
                throw truncated();
            }
            return (int) t;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw truncated();
                }
                byte b = bytes.get(pos++);
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw truncated();
        }

        float float32() {
            if (end - pos < 4) {
                throw truncated();
            }
            int bits = (bytes.get(pos) & 0xff) | (bytes.get(pos + 1) & 0xff) << 8 | (bytes.get(pos + 2) & 0xff) << 16
                    | (bytes.get(pos + 3) & 0xff) << 24;
            pos += 4;
            return Float.intBitsToFloat(bits);
        }

        Cursor sub() {
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw truncated();
            }
            Cursor c = new Cursor(pos, pos + (int) len);
            pos += (int) len;
            return c;
        }

        String string() {
            Cursor s = sub();
            byte[] b = new byte[s.end - s.pos];
            bytes.get(s.pos, b);
            return new String(b, StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> sub();
                case 5 -> advance(4);
                default -> throw new ModelFormatException(file, "is not a valid ONNX protobuf (wire type "
                        + (tag & 7) + ")");
            }
        }

        private void advance(int n) {
            if (end - pos < n) {
                throw truncated();
            }
            pos += n;
        }
    }
}
