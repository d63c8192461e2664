package dev.st4j.pipeline;

import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.pipeline.ModuleType;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import dev.st4j.internal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A static (model2vec-style) embedding: each text is the plain mean of its tokens' vectors, looked up in an
 * {@code [vocab, dim]} table; no transformer, no special tokens, no length limit beyond the tokenizer file's own.
 * An empty text gives a zero vector. The table stays memory-mapped.
 */
public final class StaticEmbedding implements InputModule {
    public static final ModuleType TYPE = new ModuleType("StaticEmbedding",
            List.of("tokenizer.json", SafetensorsFile.FILE_NAME), List.of("tokenizer_config.json"),
            c -> load(c.dir(), c.backendOptions().tokenizer()));

    private final Path folder;
    private final TextTokenizer tokenizer;
    private final Path weightsFile;
    private final Tensor table;
    private final int vocab;
    private final int dim;

    private StaticEmbedding(Path folder, TextTokenizer tokenizer, Path weightsFile, Tensor table) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.weightsFile = weightsFile;
        this.table = table;
        this.vocab = (int) table.shape()[0];
        this.dim = (int) table.shape()[1];
    }

    /** Reads {@code tokenizer.json} and the {@code embedding.weight} (or model2vec's {@code embeddings}) table. */
    public static StaticEmbedding load(Path folder) {
        return load(folder, null);
    }

    /** As {@link #load(Path)}, with the tokenizer implementation named ({@code "java"}, {@code "djl"}, null). */
    public static StaticEmbedding load(Path folder, String tokenizerImpl) {
        SafetensorsFile weights = SafetensorsFile.open(folder);
        Tensor table = weights.find("embedding.weight").or(() -> weights.find("embeddings"))
                .orElseThrow(() -> new ModelFormatException(weights.source(),
                        "no 'embedding.weight' (or 'embeddings') tensor; a StaticEmbedding needs its [vocab, dim] table"));
        if (table.shape().length != 2) {
            throw new ModelFormatException(weights.source(), "'" + table.name() + "' has shape " + table.shapeString()
                    + ", expected [vocab, dim]");
        }
        return new StaticEmbedding(folder, TextTokenizer.loadWithoutSpecialTokens(folder, tokenizerImpl),
                weights.source(), table);
    }

    @Override
    public void forward(Features f) {
        TokenBatch batch = f.batch();
        int seq = batch.seqLength();
        float[] out = new float[batch.batchSize() * dim];
        float[] row = new float[dim];
        for (int b = 0; b < batch.batchSize(); b++) {
            int n = batch.lengths()[b];
            double[] sum = new double[dim];
            for (int j = 0; j < n; j++) {
                long id = batch.inputIds()[b * seq + j];
                if (id < 0 || id >= vocab) {
                    throw new ModelFormatException(weightsFile, "token id " + id + " is outside the embedding "
                            + "table of " + vocab + " rows; tokenizer.json and model.safetensors do not match");
                }
                table.read(id * dim, dim, row, 0);
                for (int k = 0; k < dim; k++) {
                    sum[k] += row[k];
                }
            }
            for (int k = 0; k < dim; k++) {
                out[b * dim + k] = n == 0 ? 0f : (float) (sum[k] / n);
            }
        }
        f.setSentenceEmbeddings(out, dim);
    }

    /** {@code tokenizer.json} as loaded, and the table as {@code embedding.weight} (the name Python's loader reads). */
    @Override
    public void save(Path dir) throws IOException {
        ModelFolder.copyAtomically(folder.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Path target = dir.resolve(SafetensorsFile.FILE_NAME);
        if (table.name().equals("embedding.weight")) {
            ModelFolder.copyAtomically(weightsFile, target);
            return;
        }
        ModelFolder.writeAtomically(target, tmp -> SafetensorsWriter.write(tmp, Map.of("embedding.weight",
                new SafetensorsWriter.Entry(table.shape(), table.toFloatArray())), DType.F32));
    }

    @Override
    public boolean producesTokenEmbeddings() {
        return false;
    }

    @Override
    public boolean saveInRoot() {
        return true;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Python's {@code math.inf}: st4j cuts nothing (only tokenizer.json's own truncation block, if any). */
    @Override
    public int maxSeqLength() {
        return TextTokenizer.UNLIMITED;
    }

    @Override
    public void setMaxSeqLength(int length) {
        throw new UnsupportedModelException("a StaticEmbedding model has no max sequence length to set");
    }

    @Override
    public String describeBackend() {
        return "static embedding table (" + vocab + " x " + dim + ", memory-mapped)";
    }

    @Override
    public String typeName() {
        return "StaticEmbedding";
    }

    @Override
    public int outputDimension() {
        return dim;
    }

    @Override
    public String describe() {
        return "StaticEmbedding(" + vocab + " x " + dim + ")";
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
