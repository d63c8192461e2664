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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torch's {@code nn.LayerNorm(dimension)} on the sentence embedding: {@code (x - mean) / sqrt(var + 1e-5) * w + b},
 * with the biased variance. Files: {@code config.json} ({@code dimension}) and {@code model.safetensors}
 * ({@code norm.weight}, {@code norm.bias}).
 */
public final class LayerNorm implements Module {
    public static final ModuleType TYPE = new ModuleType("LayerNorm", List.of("config.json", SafetensorsFile.FILE_NAME),
            List.of(), LayerNorm::load);
    private static final double EPS = 1e-5;

    private final int dim;
    private final float[] weight;
    private final float[] bias;

    LayerNorm(float[] weight, float[] bias) {
        this.dim = weight.length;
        this.weight = weight;
        this.bias = bias;
    }

    static LayerNorm load(ModuleContext c) {
        Path file = c.file("config.json");
        JsonNode cfg = ModelFolder.readJsonObject(file);
        if (!cfg.path("dimension").canConvertToInt() || cfg.get("dimension").asInt() <= 0) {
            throw new ModelFormatException(file, "a LayerNorm config needs a positive integer \"dimension\"");
        }
        int dim = cfg.get("dimension").asInt();
        if (c.inputDimension() > 0 && c.inputDimension() != dim) {
            throw new ModelFormatException(file, "\"dimension\" is " + dim + " but the module before it produces "
                    + c.inputDimension() + "-wide embeddings");
        }
        SafetensorsFile weights = SafetensorsFile.open(c.dir());
        return new LayerNorm(vector(weights, "norm.weight", dim), vector(weights, "norm.bias", dim));
    }

    private static float[] vector(SafetensorsFile file, String name, int dim) {
        Tensor t = file.find(name).orElseThrow(() -> new ModelFormatException(file.source(),
                "tensor '" + name + "' is missing (expected shape [" + dim + "])"));
        if (!t.hasShape(dim)) {
            throw new ModelFormatException(file.source(), "tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected [" + dim + "]");
        }
        return t.toFloatArray();
    }

    @Override
    public void forward(Features f) {
        if (f.sentenceDim() != dim) {
            throw new IllegalStateException("LayerNorm expects " + dim + " inputs, the pipeline gives "
                    + f.sentenceDim());
        }
        float[] x = f.sentenceEmbeddings();
        for (int off = 0; off < x.length; off += dim) {
            double mean = 0;
            for (int k = 0; k < dim; k++) {
                mean += x[off + k];
            }
            mean /= dim;
            double var = 0;
            for (int k = 0; k < dim; k++) {
                double d = x[off + k] - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / dim + EPS);
            for (int k = 0; k < dim; k++) {
                x[off + k] = (float) ((x[off + k] - mean) * inv * weight[k] + bias[k]);
            }
        }
    }

    @Override
    public void save(Path dir) throws IOException {
        ModelFolder.writeJson(dir.resolve("config.json"),
                ModelFolder.mapper().createObjectNode().put("dimension", dim), 4);
        Map<String, SafetensorsWriter.Entry> t = new LinkedHashMap<>();
        t.put("norm.weight", new SafetensorsWriter.Entry(new long[] {dim}, weight));
        t.put("norm.bias", new SafetensorsWriter.Entry(new long[] {dim}, bias));
        ModelFolder.writeAtomically(dir.resolve(SafetensorsFile.FILE_NAME),
                tmp -> SafetensorsWriter.write(tmp, t, DType.F32));
    }

    @Override
    public String typeName() {
        return "LayerNorm";
    }

    @Override
    public int outputDimension() {
        return dim;
    }

    @Override
    public String describe() {
        return "LayerNorm(" + dim + ")";
    }
}
