package dev.st4j.engine.layers;

import dev.st4j.backend.TokenBatch;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.safetensors.DType;
import dev.st4j.safetensors.Tensor;

/**
 * The input embeddings of the BERT family: word + learned position (+ token type) rows, summed, then LayerNorm,
 * written into the packed {@code [tokens, hidden]} matrix. The word table stays memory-mapped; the small tables are
 * floats.
 */
public final class Embeddings {
    private final Kernels kernels;
    private final int hidden;
    private final int vocab;
    private final Tensor words;
    private final float[] positionTable;
    private final int positionRows;
    private final PositionIds positions;
    private final TokenTypes types;
    private final float[] gamma;
    private final float[] beta;
    private final float eps;

    /**
     * Token-type rows: {@code table} is {@code [count, hidden]} or null for none; {@code fromInput} says whether
     * the batch's token type ids choose the row, or every token takes row 0 (RoBERTa's tokenizers send no types).
     */
    public record TokenTypes(float[] table, int count, boolean fromInput) {
        public static TokenTypes none() {
            return new TokenTypes(null, 0, false);
        }

        public static TokenTypes fromInput(ModelWeights w, int count, int hidden) {
            return new TokenTypes(w.vector(NAME + "token_type_embeddings.weight", count, hidden), count, true);
        }

        public static TokenTypes firstRowOnly(ModelWeights w, int count, int hidden) {
            return new TokenTypes(w.vector(NAME + "token_type_embeddings.weight", count, hidden), count, false);
        }
    }

    /** The module name all four architectures give their embeddings. */
    static final String NAME = "embeddings.";

    /**
     * Loads {@code embeddings.word_embeddings} and {@code embeddings.LayerNorm}; the position table (which some
     * configurations compute instead of storing) and the token types come from the architecture.
     *
     * @param positionTable {@code [rows, hidden]}, row-major
     */
    public Embeddings(Kernels kernels, ModelWeights w, int vocab, int hidden, float eps, float[] positionTable,
            PositionIds positions, TokenTypes types) {
        this.kernels = kernels;
        this.hidden = hidden;
        this.vocab = vocab;
        this.words = w.tensor(NAME + "word_embeddings.weight", vocab, hidden);
        this.positionTable = positionTable;
        this.positionRows = positionTable.length / hidden;
        this.positions = positions;
        this.types = types;
        this.gamma = w.vector(NAME + "LayerNorm.weight", hidden);
        this.beta = w.vector(NAME + "LayerNorm.bias", hidden);
        this.eps = eps;
    }

    /** The learned position table {@code embeddings.position_embeddings}, {@code [rows, hidden]}. */
    public static float[] learnedPositions(ModelWeights w, int rows, int hidden) {
        return w.vector(NAME + "position_embeddings.weight", rows, hidden);
    }

    /** The most tokens a sequence may have. */
    public int maxLength() {
        return positions.maxLength(positionRows);
    }

    /** {@code ""} for F32 weights, else the stored type with a leading space (" F16"), for {@code describe()}. */
    public String storedType() {
        return words.dtype() == DType.F32 ? "" : " " + words.dtype();
    }

    /** The embedding of every real token of {@code batch}, into its packed row of {@code x}. */
    public void embed(TokenBatch batch, PackedBatch packed, float[] x, Parallel parallel) {
        int seq = batch.seqLength();
        long[] ids = batch.inputIds();
        long[] typeIds = batch.tokenTypeIds();
        parallel.forEach(packed.sequences(), b -> {
            int next = positions.first();
            for (int p = 0; p < packed.length(b); p++) {
                long id = ids[b * seq + p];
                long type = types.fromInput() ? typeIds[b * seq + p] : 0;
                if (id < 0 || id >= vocab || (types.fromInput() && (type < 0 || type >= types.count()))) {
                    throw new IllegalArgumentException("token " + id + " (type " + type + ") at [" + b + ", " + p
                            + "] is outside the vocabulary of " + vocab + " (types " + types.count() + ")");
                }
                int position = id == positions.paddingId() ? (int) id : next++;
                int row = (packed.start(b) + p) * hidden;
                words.read(id * hidden, hidden, x, row);
                kernels.axpy(1f, positionTable, position * hidden, x, row, hidden);
                if (types.table() != null) {
                    kernels.axpy(1f, types.table(), (int) type * hidden, x, row, hidden);
                }
                kernels.addLayerNorm(x, row, null, hidden, gamma, beta, eps);
            }
        });
    }
}
