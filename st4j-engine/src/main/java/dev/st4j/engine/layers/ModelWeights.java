package dev.st4j.engine.layers;

import dev.st4j.ModelFormatException;
import dev.st4j.engine.kernels.WeightMatrix;
import dev.st4j.safetensors.SafetensorsFile;
import dev.st4j.safetensors.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * An architecture's weights, looked up by their bare-model names ({@code embeddings.word_embeddings.weight}) whether
 * the file stores them so or under the base-model prefix of the hub's task checkpoints ({@code bert.embeddings...}),
 * and checked against the shape {@code config.json} implies.
 */
public final class ModelWeights {
    private final SafetensorsFile file;
    private final String architecture;
    private final String prefix;

    /**
     * @param basePrefix the prefix a task checkpoint puts before the bare names, e.g. {@code "bert."}
     * @param probe a bare name every checkpoint of the architecture has, used to tell which form the file uses
     */
    public ModelWeights(SafetensorsFile file, String architecture, String basePrefix, String probe) {
        this.file = file;
        this.architecture = architecture;
        this.prefix = file.find(probe).isEmpty() && file.find(basePrefix + probe).isPresent() ? basePrefix : "";
    }

    /** The tensor {@code name}, which must have {@code shape}. */
    public Tensor tensor(String name, long... shape) {
        return find(name, shape).orElseThrow(() -> new ModelFormatException(file.source(), architecture
                + " weight '" + prefix + name + "' is missing (expected shape " + Arrays.toString(shape) + ")"));
    }

    /** The tensor {@code name} if the file has it, which must then have {@code shape}. */
    public Optional<Tensor> find(String name, long... shape) {
        String full = prefix + name;
        Optional<Tensor> t = file.find(full);
        if (t.isPresent() && !t.get().hasShape(shape)) {
            throw new ModelFormatException(file.source(), architecture + " weight '" + full + "' has shape "
                    + t.get().shapeString() + " but config.json implies " + Arrays.toString(shape));
        }
        return t;
    }

    /** A {@code [out, in]} linear-layer weight, left memory-mapped in its stored type. */
    public WeightMatrix matrix(String name, int out, int in) {
        return WeightMatrix.of(tensor(name, out, in));
    }

    /** A small tensor (a bias, a norm, a position table) as floats. */
    public float[] vector(String name, long... shape) {
        return tensor(name, shape).toFloatArray();
    }
}
