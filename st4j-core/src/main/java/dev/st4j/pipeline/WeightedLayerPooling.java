package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleContext;
import dev.st4j.internal.pipeline.ModuleType;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Token embeddings as a weighted mean of the layers' hidden states: {@code sum_i w_i * layer[layerStart + i] /
 * sum_i w_i}, over layers {@code layerStart..num_hidden_layers} (layer 0 is the embedding output). Files:
 * {@code config.json} ({@code word_embedding_dimension}, new name {@code embedding_dimension};
 * {@code num_hidden_layers}, default 12; {@code layer_start}, default 4) and {@code model.safetensors}
 * ({@code layer_weights}, {@code [num_hidden_layers + 1 - layer_start]}).
 *
 * <p>The layers come from the Transformer only when its {@code config.json} sets {@code output_hidden_states};
 * without it Python's module passes the last hidden state through unchanged, and so does this one.
 */
public final class WeightedLayerPooling implements Module {
    public static final ModuleType TYPE = new ModuleType("WeightedLayerPooling",
            List.of("config.json", SafetensorsFile.FILE_NAME), List.of(), WeightedLayerPooling::load);

    private final int dim;
    private final int numHiddenLayers;
    private final int layerStart;
    private final float[] weights;
    private final Path source;

    WeightedLayerPooling(int dim, int numHiddenLayers, int layerStart, float[] weights, Path source) {
        this.dim = dim;
        this.numHiddenLayers = numHiddenLayers;
        this.layerStart = layerStart;
        this.weights = weights.clone();
        this.source = source;
    }

    static WeightedLayerPooling load(ModuleContext c) {
        Path file = c.file("config.json");
        JsonNode cfg = ModelFolder.readJsonObject(file);
        JsonNode width = cfg.has("embedding_dimension") ? cfg.get("embedding_dimension")
                : cfg.path("word_embedding_dimension");
        if (!width.canConvertToInt() || width.asInt() <= 0) {
            throw new ModelFormatException(file, "a WeightedLayerPooling config needs a positive integer "
                    + "\"word_embedding_dimension\" (or \"embedding_dimension\"), got " + width);
        }
        int dim = width.asInt();
        if (c.inputDimension() > 0 && c.inputDimension() != dim) {
            throw new ModelFormatException(file, "\"word_embedding_dimension\" is " + dim
                    + " but the module before it produces " + c.inputDimension() + "-wide token embeddings");
        }
        int layers = intKey(file, cfg, "num_hidden_layers", 12, 1);
        int start = intKey(file, cfg, "layer_start", 4, 0);
        if (start > layers) {
            throw new ModelFormatException(file, "\"layer_start\" is " + start + " but the model has only "
                    + layers + " layers (\"num_hidden_layers\")");
        }
        Path weightsFile = c.file(SafetensorsFile.FILE_NAME);
        if (!Files.isRegularFile(weightsFile)) {
            throw new ModelFormatException(weightsFile, "missing: WeightedLayerPooling reads its layer_weights "
                    + "from model.safetensors (st4j never unpickles pytorch_model.bin; re-save the model with "
                    + "safe_serialization=True)");
        }
        SafetensorsFile weights = SafetensorsFile.open(c.dir());
        int n = layers + 1 - start;
        Tensor t = weights.find("layer_weights").orElseThrow(() -> new ModelFormatException(weights.source(),
                "tensor 'layer_weights' is missing (expected shape [" + n + "])"));
        if (!t.hasShape(n)) {
            throw new ModelFormatException(weights.source(), "tensor 'layer_weights' has shape " + t.shapeString()
                    + ", expected [" + n + "] (num_hidden_layers + 1 - layer_start of config.json)");
        }
        float[] w = t.toFloatArray();
        return new WeightedLayerPooling(dim, layers, start, w, weights.source());
    }

    private static int intKey(Path file, JsonNode cfg, String key, int fallback, int min) {
        JsonNode v = cfg.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asInt() < min) {
            throw new ModelFormatException(file, "\"" + key + "\" must be an integer >= " + min + ", got " + v);
        }
        return v.asInt();
    }

    /** The network's layer count must give one weight per layer from {@code layer_start} on. */
    public void checkLayerCount(int networkLayers) {
        if (networkLayers + 1 - layerStart != weights.length) {
            throw new ModelFormatException(source, "'layer_weights' has " + weights.length + " weights for layers "
                    + layerStart + ".." + numHiddenLayers + ", but the Transformer has " + networkLayers
                    + " layers (its config.json num_hidden_layers); they must cover layers " + layerStart + ".."
                    + networkLayers);
        }
    }

    @Override
    public void forward(Features f) {
        float[][] layers = f.allLayerEmbeddings();
        if (layers == null) {
            return; // as Python: no all_layer_embeddings, the token embeddings pass through
        }
        if (layers.length - layerStart != weights.length) {
            throw new IllegalStateException("WeightedLayerPooling has " + weights.length + " weights from layer "
                    + layerStart + ", the Transformer returned " + layers.length + " hidden states");
        }
        if (f.tokenDim() != dim) {
            throw new IllegalStateException("WeightedLayerPooling expects " + dim + "-wide token embeddings, the "
                    + "Transformer gives " + f.tokenDim());
        }
        double total = 0;
        for (float w : weights) {
            total += w;
        }
        int size = layers[layerStart].length;
        float[] out = new float[size];
        for (int k = 0; k < size; k++) {
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += (double) weights[i] * layers[layerStart + i][k];
            }
            out[k] = (float) (sum / total);
        }
        f.setTokenEmbeddings(out, dim);
    }

    @Override
    public boolean needsAllLayers() {
        return true;
    }

    /** Writes the config with the keys every Python version reads, and {@code layer_weights} as F32. */
    @Override
    public void save(Path dir) throws IOException {
        ModelFolder.writeJson(dir.resolve("config.json"), ModelFolder.mapper().createObjectNode()
                .put("word_embedding_dimension", dim).put("layer_start", layerStart)
                .put("num_hidden_layers", numHiddenLayers), 4);
        Map<String, SafetensorsWriter.Entry> t = Map.of("layer_weights",
                new SafetensorsWriter.Entry(new long[] {weights.length}, weights));
        ModelFolder.writeAtomically(dir.resolve(SafetensorsFile.FILE_NAME),
                tmp -> SafetensorsWriter.write(tmp, t, DType.F32));
    }

    @Override
    public String typeName() {
        return "WeightedLayerPooling";
    }

    @Override
    public int outputDimension() {
        return dim;
    }

    @Override
    public String describe() {
        return "WeightedLayerPooling(layers " + layerStart + ".." + numHiddenLayers + ", weights "
                + java.util.Arrays.toString(weights) + ")";
    }
}
