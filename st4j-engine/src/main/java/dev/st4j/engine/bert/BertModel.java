package dev.st4j.engine.bert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.WeightMatrix;
import dev.st4j.safetensors.DType;
import dev.st4j.safetensors.SafetensorsFile;
import dev.st4j.safetensors.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The BERT encoder (Devlin et al. 2019) as Hugging Face's {@code BertModel} computes it: embeddings (word + position
 * + token type, then LayerNorm), then post-LN blocks of bidirectional multi-head self-attention and a GELU
 * feed-forward, each added to its input and normalized.
 *
 * <p>All real tokens of a batch are packed into one {@code [tokens, hidden]} matrix, so every linear layer is a
 * single matmul with no padding rows, and attention runs per sequence and head over that sequence's tokens only
 * (which is why no attention mask is needed). F32 weight matrices are packed once at load into the matmul's tile
 * layout ({@link Kernels#prepare}); 16-bit ones stay memory-mapped in their stored type.
 */
public final class BertModel implements EncoderModel {
    private final Kernels kernels;
    private final int hidden;
    private final int heads;
    private final int headSize;
    private final int intermediate;
    private final float eps;
    private final int maxPositions;
    private final int vocab;
    private final int typeVocab;
    private final String dtypeLabel;

    private final Tensor wordEmbeddings;
    private final float[] positionEmbeddings;
    private final float[] typeEmbeddings;
    private final float[] embGamma;
    private final float[] embBeta;
    private final List<Layer> layers;

    /**
     * One encoder block's weights. Matrices are {@code [out, in]}, as PyTorch's Linear stores them; query, key and
     * value are stacked into one {@code [3 * hidden, hidden]} matrix, since they read the same input.
     */
    private record Layer(
            WeightMatrix qkv, float[] qkvBias,
            WeightMatrix attnOut, float[] attnOutBias, float[] attnGamma, float[] attnBeta,
            WeightMatrix up, float[] upBias,
            WeightMatrix down, float[] downBias, float[] outGamma, float[] outBeta) {}

    private BertModel(Kernels kernels, Config c, Weights w) {
        this.kernels = kernels;
        this.hidden = c.hidden;
        this.heads = c.heads;
        this.headSize = c.hidden / c.heads;
        this.intermediate = c.intermediate;
        this.eps = c.eps;
        this.maxPositions = c.maxPositions;
        this.vocab = c.vocab;
        this.typeVocab = c.typeVocab;

        String e = "embeddings.";
        this.wordEmbeddings = w.tensor(e + "word_embeddings.weight", vocab, hidden);
        this.positionEmbeddings = w.vector(e + "position_embeddings.weight", maxPositions, hidden);
        this.typeEmbeddings = w.vector(e + "token_type_embeddings.weight", typeVocab, hidden);
        this.embGamma = w.vector(e + "LayerNorm.weight", hidden);
        this.embBeta = w.vector(e + "LayerNorm.bias", hidden);
        this.dtypeLabel = wordEmbeddings.dtype() == DType.F32 ? "" : " " + wordEmbeddings.dtype();
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < c.layers; i++) {
            String p = "encoder.layer." + i + ".";
            String a = p + "attention.self.";
            list.add(new Layer(
                    kernels.prepare(WeightMatrix.stack(w.matrix(a + "query.weight", hidden, hidden),
                            w.matrix(a + "key.weight", hidden, hidden), w.matrix(a + "value.weight", hidden, hidden))),
                    concat(w.vector(a + "query.bias", hidden), w.vector(a + "key.bias", hidden),
                            w.vector(a + "value.bias", hidden)),
                    kernels.prepare(w.matrix(p + "attention.output.dense.weight", hidden, hidden)),
                    w.vector(p + "attention.output.dense.bias", hidden),
                    w.vector(p + "attention.output.LayerNorm.weight", hidden),
                    w.vector(p + "attention.output.LayerNorm.bias", hidden),
                    kernels.prepare(w.matrix(p + "intermediate.dense.weight", intermediate, hidden)),
                    w.vector(p + "intermediate.dense.bias", intermediate),
                    kernels.prepare(w.matrix(p + "output.dense.weight", hidden, intermediate)),
                    w.vector(p + "output.dense.bias", hidden),
                    w.vector(p + "output.LayerNorm.weight", hidden),
                    w.vector(p + "output.LayerNorm.bias", hidden)));
        }
        this.layers = List.copyOf(list);
    }

    private static float[] concat(float[]... parts) {
        float[] out = new float[java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * Reads the hyper-parameters from {@code config.json} and checks every weight's presence and shape.
     *
     * @throws UnsupportedModelException for settings this implementation does not compute (activation, position
     *     embedding type)
     * @throws ModelFormatException for a missing tensor or a shape that disagrees with the config
     */
    public static BertModel load(Path configFile, JsonNode config, SafetensorsFile weights, Kernels kernels) {
        Config c = Config.read(configFile, config);
        return new BertModel(kernels, c, new Weights(weights));
    }

    @Override
    public String architecture() {
        return "BERT" + dtypeLabel;
    }

    @Override
    public int hiddenSize() {
        return hidden;
    }

    @Override
    public long packedWeightBytes() {
        return layers.stream().mapToLong(l -> l.qkv.packedBytes() + l.attnOut.packedBytes() + l.up.packedBytes()
                + l.down.packedBytes()).sum();
    }

    @Override
    public float[] forward(TokenBatch batch, Parallel parallel) {
        int batchSize = batch.batchSize();
        int[] lengths = batch.lengths();
        int[] offsets = new int[batchSize + 1];
        for (int b = 0; b < batchSize; b++) {
            if (lengths[b] > maxPositions) {
                throw new IllegalArgumentException("sequence " + b + " has " + lengths[b] + " tokens; BERT's "
                        + "max_position_embeddings is " + maxPositions);
            }
            offsets[b + 1] = offsets[b] + lengths[b];
        }
        int tokens = offsets[batchSize];
        Workspace pooled = workspaces.poll();
        Workspace ws = pooled != null ? pooled : new Workspace();
        try {
            return forward(batch, offsets, tokens, ws, parallel);
        } finally {
            if (tokens <= Workspace.MAX_REUSED_TOKENS) {
                workspaces.offer(ws);
            }
        }
    }

    private float[] forward(TokenBatch batch, int[] offsets, int tokens, Workspace ws, Parallel parallel) {
        float[] x = ws.x = grow(ws.x, tokens * hidden);
        float[] qkv = ws.qkv = grow(ws.qkv, tokens * 3 * hidden);
        float[] context = ws.context = grow(ws.context, tokens * hidden);
        float[] y = ws.y = grow(ws.y, tokens * hidden);
        float[] inner = ws.inner = grow(ws.inner, tokens * intermediate);
        embed(batch, offsets, x, parallel);
        for (Layer layer : layers) {
            // Self-attention, then out-projection + residual + LayerNorm.
            kernels.matmul(parallel, x, tokens, layer.qkv, layer.qkvBias, qkv);
            attention(qkv, context, offsets, parallel);
            kernels.matmul(parallel, context, tokens, layer.attnOut, layer.attnOutBias, y);
            addLayerNorm(y, x, tokens, layer.attnGamma, layer.attnBeta, parallel);
            // Feed-forward: up-projection, GELU, down-projection + residual + LayerNorm.
            kernels.matmulGelu(parallel, y, tokens, layer.up, layer.upBias, inner);
            kernels.matmul(parallel, inner, tokens, layer.down, layer.downBias, x);
            addLayerNorm(x, y, tokens, layer.outGamma, layer.outBeta, parallel);
        }
        return unpack(x, batch, offsets);
    }

    /**
     * The activations of one forward pass, pooled in the model (one per concurrent caller, released with the
     * model, unlike a thread-local that would outlive it in every caller's thread) so consecutive batches reuse
     * them instead of allocating (and zeroing) ~12 MB each time. Every step overwrites the part it uses, so stale
     * contents are harmless; a batch above {@link #MAX_REUSED_TOKENS} does not return its workspace to the pool, so
     * a rare huge batch is not retained.
     */
    private static final class Workspace {
        static final int MAX_REUSED_TOKENS = 4096;
        float[] x = new float[0];
        float[] qkv = new float[0];
        float[] context = new float[0];
        float[] y = new float[0];
        float[] inner = new float[0];
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Workspace> workspaces =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static float[] grow(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }

    /** Word + position + token-type embeddings of every real token, then LayerNorm, into packed {@code x}. */
    private void embed(TokenBatch batch, int[] offsets, float[] x, Parallel parallel) {
        int seq = batch.seqLength();
        long[] ids = batch.inputIds();
        long[] types = batch.tokenTypeIds();
        parallel.forEach(batch.batchSize(), b -> {
            for (int p = 0; p < batch.lengths()[b]; p++) {
                long id = ids[b * seq + p];
                long type = types[b * seq + p];
                if (id < 0 || id >= vocab || type < 0 || type >= typeVocab) {
                    throw new IllegalArgumentException("token " + id + " (type " + type + ") at [" + b + ", " + p
                            + "] is outside the vocabulary of " + vocab + " (types " + typeVocab + ")");
                }
                int row = (offsets[b] + p) * hidden;
                wordEmbeddings.read(id * hidden, hidden, x, row);
                kernels.axpy(1f, positionEmbeddings, p * hidden, x, row, hidden);
                kernels.axpy(1f, typeEmbeddings, (int) type * hidden, x, row, hidden);
                kernels.addLayerNorm(x, row, null, hidden, embGamma, embBeta, eps);
            }
        });
    }

    /**
     * softmax(q k^T / sqrt(d)) v for each sequence and head, over that sequence's tokens: one task per
     * (sequence, head), writing its own column slice of {@code context}. Row {@code t} of {@code qkv} holds token
     * {@code t}'s query, key and value side by side.
     */
    private void attention(float[] qkv, float[] context, int[] offsets, Parallel parallel) {
        int sequences = offsets.length - 1;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        int stride = 3 * hidden;
        parallel.forEach(sequences * heads, task -> {
            int s = task / heads;
            int col = (task % heads) * headSize;
            int q = offsets[s] * stride + col;
            kernels.attention(qkv, stride, q, q + hidden, q + 2 * hidden, offsets[s + 1] - offsets[s], headSize,
                    scale, context, offsets[s] * hidden + col, hidden);
        });
    }

    /** Rows per task for the element-wise steps, enough to amortise the hand-off to a thread. */
    private static final int ROWS_PER_TASK = 16;

    private void addLayerNorm(float[] x, float[] residual, int tokens, float[] gamma, float[] beta,
            Parallel parallel) {
        parallel.forEach((tokens + ROWS_PER_TASK - 1) / ROWS_PER_TASK, t -> {
            int end = Math.min(tokens, (t + 1) * ROWS_PER_TASK);
            for (int r = t * ROWS_PER_TASK; r < end; r++) {
                kernels.addLayerNorm(x, r * hidden, residual, hidden, gamma, beta, eps);
            }
        });
    }

    /** Packed rows back to {@code [batch, seq, hidden]}; padded positions stay zero. */
    private float[] unpack(float[] x, TokenBatch batch, int[] offsets) {
        float[] out = new float[batch.batchSize() * batch.seqLength() * hidden];
        for (int b = 0; b < batch.batchSize(); b++) {
            System.arraycopy(x, offsets[b] * hidden, out, b * batch.seqLength() * hidden,
                    (offsets[b + 1] - offsets[b]) * hidden);
        }
        return out;
    }

    /** The hyper-parameters of {@code config.json} that shape the computation. */
    private record Config(int hidden, int heads, int layers, int intermediate, float eps, int maxPositions,
            int vocab, int typeVocab) {

        static Config read(Path file, JsonNode json) {
            String act = json.path("hidden_act").asText("gelu");
            if (!act.equals("gelu")) {
                throw new UnsupportedModelException(file + ": hidden_act '" + act + "' is not supported by the Java "
                        + "engine's BERT (it computes exact GELU, 'gelu'); use the ONNX backend");
            }
            String pos = json.path("position_embedding_type").asText("absolute");
            if (!pos.equals("absolute")) {
                throw new UnsupportedModelException(file + ": position_embedding_type '" + pos + "' is not "
                        + "supported by the Java engine's BERT (only 'absolute'); use the ONNX backend");
            }
            Config c = new Config(positive(file, json, "hidden_size"), positive(file, json, "num_attention_heads"),
                    positive(file, json, "num_hidden_layers"), positive(file, json, "intermediate_size"),
                    (float) json.path("layer_norm_eps").asDouble(1e-12), positive(file, json,
                    "max_position_embeddings"), positive(file, json, "vocab_size"),
                    json.has("type_vocab_size") ? positive(file, json, "type_vocab_size") : 2);
            if (c.hidden % c.heads != 0) {
                throw new ModelFormatException(file, "hidden_size " + c.hidden + " is not a multiple of "
                        + "num_attention_heads " + c.heads);
            }
            return c;
        }

        private static int positive(Path file, JsonNode json, String key) {
            JsonNode n = json.get(key);
            if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
                throw new ModelFormatException(file, "\"" + key + "\" must be a positive integer, got " + n);
            }
            return n.asInt();
        }
    }

    /** Looks weights up with or without the {@code bert.} prefix and checks their shapes. */
    private static final class Weights {
        private final SafetensorsFile file;
        private final String prefix;

        Weights(SafetensorsFile file) {
            this.file = file;
            this.prefix = file.find("embeddings.word_embeddings.weight").isEmpty()
                    && file.find("bert.embeddings.word_embeddings.weight").isPresent() ? "bert." : "";
        }

        Tensor tensor(String name, long... shape) {
            String full = prefix + name;
            Tensor t = file.find(full).orElseThrow(() -> new ModelFormatException(file.source(),
                    "BERT weight '" + full + "' is missing (expected shape " + java.util.Arrays.toString(shape)
                    + ")"));
            if (!t.hasShape(shape)) {
                throw new ModelFormatException(file.source(), "BERT weight '" + full + "' has shape "
                        + t.shapeString() + " but config.json implies " + java.util.Arrays.toString(shape));
            }
            return t;
        }

        WeightMatrix matrix(String name, int out, int in) {
            return WeightMatrix.of(tensor(name, out, in));
        }

        float[] vector(String name, long... shape) {
            return tensor(name, shape).toFloatArray();
        }
    }
}
