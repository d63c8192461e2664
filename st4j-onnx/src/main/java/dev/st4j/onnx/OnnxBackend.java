package dev.st4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.st4j.ModelFormatException;
import dev.st4j.St4jException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a transformer exported to ONNX (Optimum's feature-extraction layout) with ONNX Runtime: one session, a
 * fixed number of intra-op threads, inputs limited to those the graph declares.
 */
final class OnnxBackend implements TransformerBackend {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String outputName;
    private final int hiddenSize;
    private final String description;
    private final boolean wantsTokenTypes;

    OnnxBackend(Path file, String displayName, int threads) {
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(file.toString(), opts);
        } catch (OrtException e) {
            throw new ModelFormatException(file, "ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        try {
            for (String input : session.getInputNames()) {
                if (!input.equals("input_ids") && !input.equals("attention_mask") && !input.equals("token_type_ids")) {
                    session.close();
                    throw new UnsupportedModelException(file + " declares the input '" + input + "'; st4j feeds "
                            + "input_ids, attention_mask and token_type_ids (a feature-extraction export)");
                }
            }
            this.wantsTokenTypes = session.getInputNames().contains("token_type_ids");
            String chosen = null;
            int hidden = -1;
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo t && t.getShape().length == 3
                        && (chosen == null || e.getKey().equals("last_hidden_state"))) {
                    chosen = e.getKey();
                    hidden = (int) t.getShape()[2];
                }
            }
            if (chosen == null) {
                session.close();
                throw new UnsupportedModelException(file + " has no [batch, sequence, hidden] output; st4j needs "
                        + "last_hidden_state (outputs: " + outputs.keySet() + ")");
            }
            this.outputName = chosen;
            this.hiddenSize = hidden;
        } catch (OrtException e) {
            throw new ModelFormatException(file, "cannot read the graph's inputs and outputs: " + e.getMessage(), e);
        }
        this.description = "onnx (" + displayName + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
    }

    @Override
    public float[] forward(TokenBatch batch) {
        long[] shape = {batch.batchSize(), batch.seqLength()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape));
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of(outputName))) {
                OnnxValue value = result.get(outputName).orElseThrow();
                FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
                float[] out = new float[buffer.remaining()];
                buffer.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new St4jException("ONNX Runtime failed on a batch of shape " + batch.batchSize() + "x"
                    + batch.seqLength() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
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
        try {
            session.close();
        } catch (OrtException e) {
            throw new St4jException("cannot close the ONNX session: " + e.getMessage(), e);
        }
    }
}
