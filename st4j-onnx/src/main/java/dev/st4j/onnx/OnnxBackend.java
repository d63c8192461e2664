package dev.st4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.st4j.Fix;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.Device;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a transformer exported to ONNX with ONNX Runtime and hands back its token embeddings: {@code
 * last_hidden_state} (Optimum's feature-extraction export), else {@code token_embeddings} (sentence-transformers'
 * own export, whose {@code sentence_embedding} output st4j does not read: its Pooling, Dense and Normalize modules
 * run after the Transformer as in Python), else the graph's only {@code [batch, sequence, hidden]} output.
 */
final class OnnxBackend implements TransformerBackend {
    /** Token-level output names, most specific first. */
    static final List<String> TOKEN_OUTPUTS = List.of("last_hidden_state", "token_embeddings");

    private final OnnxGraph graph;
    private final String outputName;
    private final int hiddenSize;
    private final String description;
    /** {@code hidden_states.0} .. {@code hidden_states.N} in layer order when the graph exports them, else empty. */
    private final List<String> layerOutputs;
    private final String fileName;

    /**
     * @param configHiddenSize {@code hidden_size} of {@code config.json}, used when the graph leaves its width
     *     symbolic; -1 when unknown
     */
    OnnxBackend(Path file, String displayName, int threads, Device device, CudaSessions cuda, int configHiddenSize) {
        this.graph = new OnnxGraph(file, threads, device, cuda);
        try {
            Map<String, NodeInfo> outputs = graph.outputs();
            this.outputName = tokenOutput(file, outputs);
            this.layerOutputs = layerOutputs(outputs);
            long width = ((TensorInfo) outputs.get(outputName).getInfo()).getShape()[2];
            this.hiddenSize = width > 0 ? (int) width : configHiddenSize;
            if (hiddenSize <= 0) {
                throw new UnsupportedModelException(file + ": the width of '" + outputName + "' is symbolic and "
                        + "config.json has no hidden_size");
            }
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        this.fileName = displayName;
        this.description = "onnx (" + displayName + ", " + (device.cuda() ? device + ", " : "") + threads + " thread"
                + (threads == 1 ? "" : "s") + ")";
    }

    static String tokenOutput(Path file, Map<String, NodeInfo> outputs) {
        List<String> tokenLevel = new ArrayList<>();
        outputs.forEach((name, info) -> {
            if (info.getInfo() instanceof TensorInfo t && t.getShape().length == 3 && isFloat(t.type)) {
                tokenLevel.add(name);
            }
        });
        for (String preferred : TOKEN_OUTPUTS) {
            if (tokenLevel.contains(preferred)) {
                return preferred;
            }
        }
        if (tokenLevel.size() == 1) {
            return tokenLevel.get(0);
        }
        List<String> described = outputs.entrySet().stream().map(e -> e.getKey() + " " + shapeOf(e.getValue()))
                .toList();
        String what = tokenLevel.isEmpty()
                ? (outputs.containsKey("logits") ? " (a classification or cross-encoder head)" : "")
                        + "; a SentenceTransformer needs token embeddings [batch, sequence, hidden]"
                : "; several are [batch, sequence, hidden], and none is named " + String.join(" or ", TOKEN_OUTPUTS);
        throw new UnsupportedModelException(file + " has the outputs " + described + what,
                List.of(Fix.action("export the Transformer with its token embeddings, e.g. `optimum-cli export "
                        + "onnx --task feature-extraction`, whose output is last_hidden_state")));
    }

    /** Pattern of per-layer outputs, as exports with {@code output_hidden_states=True} name them. */
    private static final java.util.regex.Pattern LAYER_OUTPUT =
            java.util.regex.Pattern.compile("(?:all_)?hidden_states[._](\\d+)");

    /** The graph's per-layer outputs numbered 0..N without gaps, in layer order; empty when it has none. */
    static List<String> layerOutputs(Map<String, NodeInfo> outputs) {
        java.util.TreeMap<Integer, String> byLayer = new java.util.TreeMap<>();
        outputs.forEach((name, info) -> {
            java.util.regex.Matcher m = LAYER_OUTPUT.matcher(name);
            if (m.matches() && info.getInfo() instanceof TensorInfo t && t.getShape().length == 3
                    && isFloat(t.type)) {
                byLayer.put(Integer.parseInt(m.group(1)), name);
            }
        });
        if (byLayer.size() < 2 || byLayer.firstKey() != 0 || byLayer.lastKey() != byLayer.size() - 1) {
            return List.of();
        }
        return List.copyOf(byLayer.values());
    }

    @Override
    public float[][] forwardAllLayers(TokenBatch batch) {
        if (layerOutputs.isEmpty()) {
            throw new UnsupportedModelException(allLayersRefusal().orElseThrow());
        }
        Map<String, float[]> out = graph.run(batch, new java.util.LinkedHashSet<>(layerOutputs));
        long expected = (long) batch.batchSize() * batch.seqLength() * hiddenSize;
        float[][] states = new float[layerOutputs.size()][];
        for (int i = 0; i < states.length; i++) {
            states[i] = out.get(layerOutputs.get(i));
            if (states[i].length != expected) {
                throw new UnsupportedModelException("the ONNX output '" + layerOutputs.get(i) + "' has "
                        + states[i].length + " values for a " + batch.batchSize() + "x" + batch.seqLength()
                        + " batch, not " + expected + " (hidden size " + hiddenSize + ")");
            }
        }
        return states;
    }

    @Override
    public java.util.Optional<String> allLayersRefusal() {
        return layerOutputs.isEmpty() ? java.util.Optional.of("the ONNX graph " + fileName + " exports only '"
                + outputName + "', not every layer's hidden states (outputs hidden_states.0 .. hidden_states.N); "
                + "load the model with the java backend (--backend java, LoadOptions.builder().backend(\"java\")), "
                + "or export the graph with output_hidden_states=True and those output names")
                : java.util.Optional.empty();
    }

    private static boolean isFloat(OnnxJavaType type) {
        return type == OnnxJavaType.FLOAT || type == OnnxJavaType.FLOAT16 || type == OnnxJavaType.BFLOAT16;
    }

    private static String shapeOf(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? java.util.Arrays.toString(t.getShape()) : "(not a tensor)";
    }

    @Override
    public float[] forward(TokenBatch batch) {
        float[] out = graph.run(batch, Set.of(outputName)).get(outputName);
        long expected = (long) batch.batchSize() * batch.seqLength() * hiddenSize;
        if (out.length != expected) {
            throw new UnsupportedModelException("the ONNX output '" + outputName + "' has " + out.length
                    + " values for a " + batch.batchSize() + "x" + batch.seqLength() + " batch, not " + expected
                    + " (hidden size " + hiddenSize + ")");
        }
        return out;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        graph.close();
    }
}
