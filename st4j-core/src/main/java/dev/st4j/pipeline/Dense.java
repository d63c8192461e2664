package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleType;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.logging.Logger;

/**
 * A feed-forward layer on the sentence embedding: {@code y = activation(x Wᵀ + b)}, plus {@code x} (or
 * {@code x Rᵀ}) when {@code use_residual} is set. Weights come from the module folder's {@code model.safetensors}.
 */
public final class Dense implements Module {
    private static final Logger LOG = Logger.getLogger(Dense.class.getName());

    /**
     * Config keys: {@code in_features}, {@code out_features}, {@code bias}, {@code activation_function},
     * {@code use_residual}, and (v5.4+) {@code module_input_name} / {@code module_output_name}.
     */
    public static final ModuleType TYPE = new ModuleType("Dense",
            List.of("config.json", SafetensorsFile.FILE_NAME), List.of(), c -> load(c.dir()));

    /** Activations by their torch class name. */
    public enum Activation {
        IDENTITY("Identity", "torch.nn.modules.linear.Identity", x -> x),
        TANH("Tanh", "torch.nn.modules.activation.Tanh", Math::tanh),
        RELU("ReLU", "torch.nn.modules.activation.ReLU", x -> Math.max(0, x)),
        SIGMOID("Sigmoid", "torch.nn.modules.activation.Sigmoid", x -> 1 / (1 + Math.exp(-x))),
        GELU("GELU", "torch.nn.modules.activation.GELU", x -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)))),
        SILU("SiLU", "torch.nn.modules.activation.SiLU", x -> x / (1 + Math.exp(-x)));

        final String torchName;
        final String className;
        final DoubleUnaryOperator f;

        Activation(String torchName, String className, DoubleUnaryOperator f) {
            this.torchName = torchName;
            this.className = className;
            this.f = f;
        }
    }

    private final int in;
    private final int out;
    private final float[] weight;
    private final float[] bias;
    private final boolean hasBias;
    private final float[] residual;
    private final boolean identityResidual;
    private final Activation activation;

    Dense(int in, int out, float[] weight, float[] bias, boolean hasBias, float[] residual, boolean identityResidual,
            Activation activation) {
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
        this.hasBias = hasBias;
        this.residual = residual;
        this.identityResidual = identityResidual;
        this.activation = activation;
    }

    /**
     * A Dense layer from explicit weights, as Python's {@code models.Dense(in, out, activation_function=...)} after
     * training: {@code weight} is {@code [out][in]}, {@code bias} is {@code [out]} (null for none).
     */
    public static Dense of(float[][] weight, float[] bias, Activation activation) {
        if (weight == null || weight.length == 0 || activation == null) {
            throw new IllegalArgumentException("weight must be a non-empty [out][in] array and activation non-null");
        }
        int out = weight.length;
        int in = weight[0].length;
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++) {
            if (weight[o].length != in) {
                throw new IllegalArgumentException("weight row " + o + " has " + weight[o].length + " values, row 0 has "
                        + in);
            }
            System.arraycopy(weight[o], 0, w, o * in, in);
        }
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected " + out);
        }
        return new Dense(in, out, w, bias == null ? new float[out] : bias.clone(), bias != null, null, false,
                activation);
    }

    /** Reads a Dense folder: {@code config.json} and {@code model.safetensors}. */
    public static Dense load(Path folder) {
        Path configFile = folder.resolve("config.json");
        JsonNode cfg = ModelFolder.readJsonObject(configFile);
        if (!cfg.path("in_features").canConvertToInt() || !cfg.path("out_features").canConvertToInt()) {
            throw new ModelFormatException(configFile, "a Dense config needs integer in_features and out_features");
        }
        int in = cfg.get("in_features").asInt();
        int out = cfg.get("out_features").asInt();
        boolean hasBias = cfg.path("bias").asBoolean(true);
        boolean useResidual = cfg.path("use_residual").asBoolean(false);
        String input = cfg.path("module_input_name").asText("sentence_embedding");
        String output = cfg.path("module_output_name").asText(input);
        if (!input.equals("sentence_embedding") || !output.equals("sentence_embedding")) {
            throw new UnsupportedModelException(configFile + ": st4j runs Dense on sentence_embedding only, this one "
                    + "maps " + input + " to " + output);
        }
        Activation activation = activation(cfg.path("activation_function").asText(
                "torch.nn.modules.activation.Tanh"), configFile);

        if (!SafetensorsFile.existsIn(folder)) {
            boolean pickle = Files.isRegularFile(folder.resolve("pytorch_model.bin"));
            throw new ModelFormatException(folder.resolve(SafetensorsFile.FILE_NAME), pickle
                    ? "missing; the folder has pytorch_model.bin, a pickle st4j never loads. Re-save the model "
                            + "with safetensors (Python: model.save(path, safe_serialization=True))"
                    : "missing: Dense weights are expected in model.safetensors");
        }
        SafetensorsFile weights = SafetensorsFile.open(folder);
        float[] w = read(weights, "linear.weight", out, in);
        float[] b = hasBias ? read(weights, "linear.bias", out) : new float[out];
        float[] r = null;
        if (useResidual && in != out) {
            r = read(weights, "residual.weight", out, in);
        }
        return new Dense(in, out, w, b, hasBias, r, useResidual && in == out, activation);
    }

    private static Activation activation(String className, Path file) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        for (Activation a : Activation.values()) {
            if (a.torchName.equals(simple) && className.startsWith("torch.")) {
                return a;
            }
        }
        if (!className.startsWith("torch.")) {
            // sentence-transformers v6 falls back to Tanh for a non-torch activation it may not import.
            LOG.warning(() -> file + ": activation '" + className + "' is not a torch class; using Tanh, as "
                    + "sentence-transformers does without trust_remote_code");
            return Activation.TANH;
        }
        throw new UnsupportedModelException(file + ": activation '" + className + "' is not supported (supported: "
                + Arrays.stream(Activation.values()).map(a -> a.torchName).toList() + ")");
    }

    private static float[] read(SafetensorsFile file, String name, long... shape) {
        Tensor t = file.find(name).orElseThrow(() -> new ModelFormatException(file.source(),
                "tensor '" + name + "' is missing (expected shape " + Arrays.toString(shape) + ")"));
        if (!t.hasShape(shape)) {
            throw new ModelFormatException(file.source(), "tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected " + Arrays.toString(shape));
        }
        return t.toFloatArray();
    }

    @Override
    public void forward(Features f) {
        if (f.sentenceDim() != in) {
            throw new IllegalStateException("Dense expects " + in + " inputs, the pipeline gives " + f.sentenceDim());
        }
        float[] x = f.sentenceEmbeddings();
        int rows = x.length / in;
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            int xo = r * in;
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                int wo = o * in;
                for (int k = 0; k < in; k++) {
                    s += (double) x[xo + k] * weight[wo + k];
                }
                double v = activation.f.applyAsDouble(s);
                if (identityResidual) {
                    v += x[xo + o];
                } else if (residual != null) {
                    double rs = 0;
                    for (int k = 0; k < in; k++) {
                        rs += (double) x[xo + k] * residual[wo + k];
                    }
                    v += rs;
                }
                y[r * out + o] = (float) v;
            }
        }
        f.setSentenceEmbeddings(y, out);
    }

    /** {@code config.json} (legacy keys, which every version reads) and {@code model.safetensors}. */
    @Override
    public void save(Path dir) throws IOException {
        var cfg = ModelFolder.mapper().createObjectNode();
        cfg.put("in_features", in).put("out_features", out).put("bias", hasBias)
                .put("activation_function", activation.className);
        if (identityResidual || residual != null) {
            cfg.put("use_residual", true);
        }
        ModelFolder.writeJson(dir.resolve("config.json"), cfg, 4);
        Map<String, SafetensorsWriter.Entry> tensors = new LinkedHashMap<>();
        tensors.put("linear.weight", new SafetensorsWriter.Entry(new long[] {out, in}, weight));
        if (hasBias) {
            tensors.put("linear.bias", new SafetensorsWriter.Entry(new long[] {out}, bias));
        }
        if (residual != null) {
            tensors.put("residual.weight", new SafetensorsWriter.Entry(new long[] {out, in}, residual));
        }
        ModelFolder.writeAtomically(dir.resolve(SafetensorsFile.FILE_NAME),
                tmp -> SafetensorsWriter.write(tmp, tensors, DType.F32));
    }

    @Override
    public String typeName() {
        return "Dense";
    }

    @Override
    public int outputDimension() {
        return out;
    }

    @Override
    public String describe() {
        return "Dense(" + in + " -> " + out + ", " + activation.torchName.toLowerCase(Locale.ROOT)
                + (identityResidual || residual != null ? ", residual" : "") + ")";
    }
}
