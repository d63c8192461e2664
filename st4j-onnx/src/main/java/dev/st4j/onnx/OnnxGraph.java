package dev.st4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.st4j.ModelFormatException;
import dev.st4j.St4jException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.Device;
import dev.st4j.backend.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over a transformer graph: fed only the inputs the graph declares (token ids, attention
 * mask, and token types or position ids when it asks for them), any of its float outputs read back.
 */
final class OnnxGraph implements AutoCloseable {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String POSITION_IDS = "position_ids";
    private static final List<String> FEEDABLE = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS, POSITION_IDS);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Set<String> inputs;

    /** Opens {@code file} on the CPU; ONNX Runtime reads external data files from its folder. */
    OnnxGraph(Path file, int threads) {
        this(file, threads, Device.CPU, CudaSessions.ONNX_RUNTIME);
    }

    /** Opens {@code file} on {@code device}, a GPU through {@code cuda}. */
    OnnxGraph(Path file, int threads, Device device, CudaSessions cuda) {
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (device.cuda()) {
                try {
                    cuda.place(opts, device.index());
                } catch (OrtException e) {
                    throw new UnsupportedModelException("ONNX Runtime cannot use " + device + ": " + e.getMessage()
                            + " (is there a GPU " + device.index() + ", with CUDA 12 and cuDNN 9 installed?)");
                }
            }
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(file.toString(), opts);
        } catch (OrtException e) {
            throw new ModelFormatException(file, "ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        try {
            for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
                boolean int64 = in.getValue().getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.INT64;
                if (!FEEDABLE.contains(in.getKey()) || !int64) {
                    close();
                    throw new UnsupportedModelException(file + " declares the input '" + in.getKey() + "' ("
                            + in.getValue().getInfo() + "); st4j feeds int64 " + String.join(", ", FEEDABLE)
                            + " (a feature-extraction export)");
                }
            }
            this.inputs = Set.copyOf(session.getInputNames());
        } catch (OrtException e) {
            close();
            throw new ModelFormatException(file, "cannot read the graph's inputs: " + e.getMessage(), e);
        }
    }

    /** The graph's outputs by name, in declaration order. */
    Map<String, NodeInfo> outputs() {
        try {
            return new LinkedHashMap<>(session.getOutputInfo());
        } catch (OrtException e) {
            throw new St4jException("cannot read the graph's outputs: " + e.getMessage(), e);
        }
    }

    /** Runs the batch and returns the named outputs, each flattened row-major. */
    Map<String, float[]> run(TokenBatch batch, Set<String> outputNames) {
        long[] shape = {batch.batchSize(), batch.seqLength()};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape));
            feed.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape));
            if (inputs.contains(TOKEN_TYPE_IDS)) {
                feed.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape));
            }
            if (inputs.contains(POSITION_IDS)) {
                feed.put(POSITION_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(positionIds(batch)), shape));
            }
            feed.keySet().retainAll(inputs);
            try (OrtSession.Result result = session.run(feed, outputNames)) {
                Map<String, float[]> out = new LinkedHashMap<>();
                for (String name : outputNames) {
                    FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
                    if (buffer == null) {
                        throw new UnsupportedModelException("the graph's output '" + name + "' is not a float tensor");
                    }
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    out.put(name, values);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new St4jException("ONNX Runtime failed on a batch of shape " + batch.batchSize() + "x"
                    + batch.seqLength() + ": " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Positions counted over real tokens ({@code cumsum(attention_mask) - 1}), as transformers derives them from
     * the mask; padded cells get 1, as transformers fills them. With st4j's right padding this is 0, 1, 2, ...
     */
    static long[] positionIds(TokenBatch batch) {
        long[] ids = new long[batch.batchSize() * batch.seqLength()];
        for (int r = 0; r < batch.batchSize(); r++) {
            long seen = 0;
            for (int c = 0; c < batch.seqLength(); c++) {
                int i = r * batch.seqLength() + c;
                seen += batch.attentionMask()[i] != 0 ? 1 : 0;
                ids[i] = batch.attentionMask()[i] != 0 ? seen - 1 : 1;
            }
        }
        return ids;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new St4jException("cannot close the ONNX session: " + e.getMessage(), e);
        }
    }
}
