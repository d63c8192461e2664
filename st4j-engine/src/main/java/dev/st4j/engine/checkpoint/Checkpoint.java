package dev.st4j.engine.checkpoint;

import dev.st4j.ModelFormatException;
import dev.st4j.engine.kernels.WeightMatrix;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.Tensor;
import java.util.Arrays;

/**
 * One architecture's weights in a safetensors checkpoint, under bare names (as the base model saves them) or with
 * the prefix the task models add ({@code model.} for ModernBERT, Qwen3 and Gemma3), checked against the shapes the
 * config implies. Matrices stay memory-mapped in their stored type; only vectors (norms, biases) are copied.
 */
public final class Checkpoint {
    private final SafetensorsFile file;
    private final String architecture;
    private final String prefix;

    /**
     * @param probe a tensor every checkpoint of the architecture has, used to tell which naming it uses
     * @param prefix the task models' prefix, e.g. {@code "model."}
     */
    public Checkpoint(SafetensorsFile file, String architecture, String probe, String prefix) {
        this.file = file;
        this.architecture = architecture;
        this.prefix = file.find(probe).isEmpty() && file.find(prefix + probe).isPresent() ? prefix : "";
    }

    /** Whether {@code name} (under the checkpoint's naming) is present. */
    public boolean has(String name) {
        return file.find(prefix + name).isPresent();
    }

    /** Whether {@code name} is present exactly as written, with no prefix (e.g. {@code lm_head.weight}). */
    public boolean hasExact(String name) {
        return file.find(name).isPresent();
    }

    /** The tensor {@code name}, which must have {@code shape}. */
    public Tensor tensor(String name, long... shape) {
        return checked(prefix + name, shape);
    }

    /** The tensor named exactly {@code name} (no prefix added), which must have {@code shape}. */
    public Tensor exactTensor(String name, long... shape) {
        return checked(name, shape);
    }

    private Tensor checked(String full, long... shape) {
        Tensor t = file.find(full).orElseThrow(() -> new ModelFormatException(file.source(), architecture
                + " weight '" + full + "' is missing (expected shape " + Arrays.toString(shape) + ")"));
        if (!t.hasShape(shape)) {
            throw new ModelFormatException(file.source(), architecture + " weight '" + full + "' has shape "
                    + t.shapeString() + " but config.json implies " + Arrays.toString(shape));
        }
        return t;
    }

    public WeightMatrix matrix(String name, int rows, int columns) {
        return WeightMatrix.of(tensor(name, rows, columns));
    }

    public float[] vector(String name, int size) {
        return tensor(name, size).toFloatArray();
    }

    /** {@link #vector} when {@code present}, else null (a bias the config turns off). */
    public float[] optionalVector(boolean present, String name, int size) {
        return present ? vector(name, size) : null;
    }

    /** Several bias vectors end to end, or null when {@code present} is false. */
    public float[] concatenated(boolean present, String[] names, int[] sizes) {
        if (!present) {
            return null;
        }
        float[] out = new float[Arrays.stream(sizes).sum()];
        int at = 0;
        for (int i = 0; i < names.length; i++) {
            System.arraycopy(vector(names[i], sizes[i]), 0, out, at, sizes[i]);
            at += sizes[i];
        }
        return out;
    }

    /** {@code ""} for F32 weights, else {@code " BF16"} / {@code " F16"}, for {@code describe()}. */
    public static String dtypeLabel(Tensor t) {
        return t.dtype() == DType.F32 ? "" : " " + t.dtype();
    }
}
