package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.model.ModelFolder;
import dev.st4j.safetensors.SafetensorsFile;
import dev.st4j.safetensors.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.logging.Logger;

/**
 * A feed-forward layer on the sentence embedding: {@code y = activation(x Wᵀ + b)}, plus {@code x} (or
 * {@code x Rᵀ}) when {@code use_residual} is set. Weights come from the module folder's {@code model.safetensors}.
 */
public final class Dense implements Module {
    private static final Logger LOG = Logger.getLogger(Dense.class.getName());

    /** Activations by their torch class name. */
    enum Activation {
        IDENTITY("Identity", x -> x),
        TANH("Tanh", Math::tanh),
        RELU("ReLU", x -> Math.max(0, x)),
        SIGMOID("Sigmoid", x -> 1 / (1 + Math.exp(-x))),
        GELU("GELU", x -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)))),
        SILU("SiLU", x -> x / (1 + Math.exp(-x)));

        final String torchName;
        final DoubleUnaryOperator f;

        Activation(String torchName, DoubleUnaryOperator f) {
            this.torchName = torchName;
            this.f = f;
        }
    }

    private final int in;
    private final int out;
    private final float[] weight;
    private final float[] bias;
    private final float[] residual;
    private final boolean identityResidual;
    private final Activation activation;

    Dense(int in, int out, float[] weight, float[] bias, float[] residual, boolean identityResidual,
            Activation activation) {
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
        this.residual = residual;
        this.identityResidual = identityResidual;
        this.activation = activation;
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
        return new Dense(in, out, w, b, r, useResidual && in == out, activation);
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
