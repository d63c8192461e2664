package dev.st4j.engine.layers;

import dev.st4j.backend.TokenBatch;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.batch.PackedBatch;
import dev.st4j.internal.safetensors.Tensor;

/**
 * The input embeddings of the BERT family: word + learned position (+ token type) rows, summed, then LayerNorm,
 * written into the packed {@code [tokens, hidden]} matrix. The word table stays memory-mapped; the small tables are
 * floats.
 */
public final class Embeddings {
    /** The module name all four architectures give their embeddings. */
    static final String NAME = "embeddings.";

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

        public static TokenTypes fromInput(Checkpoint w, int count, int hidden) {
            return new TokenTypes(table(w, count, hidden), count, true);
        }

        public static TokenTypes firstRowOnly(Checkpoint w, int count, int hidden) {
            return new TokenTypes(table(w, count, hidden), count, false);
        }

        private static float[] table(Checkpoint w, int count, int hidden) {
            return w.tensor(NAME + "token_type_embeddings.weight", count, hidden).toFloatArray();
        }
    }

    /**
     * Loads {@code embeddings.word_embeddings} and {@code embeddings.LayerNorm}; the position table (which some
     * configurations compute instead of storing) and the token types come from the architecture.
     *
     * @param positionTable {@code [rows, hidden]}, row-major
     */
    public Embeddings(Kernels kernels, Checkpoint w, int vocab, int hidden, float eps, float[] positionTable,
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
    public static float[] learnedPositions(Checkpoint w, int rows, int hidden) {
        return w.tensor(NAME + "position_embeddings.weight", rows, hidden).toFloatArray();
    }

    /** Rows of the word table. */
    public int vocab() {
        return vocab;
    }

    /** {@code ""} for F32 weights, else the stored type with a leading space (" F16"), for {@code describe()}. */
    public String storedType() {
        return Checkpoint.dtypeLabel(words);
    }

    /**
     * The embedding of every real token of {@code batch} (already checked against the vocabulary by
     * {@link PackedBatch#of}), into its packed row of {@code x}.
     *
     * @throws IllegalArgumentException for a sequence longer than the position table, or a token type outside it
     */
    public void embed(TokenBatch batch, PackedBatch packed, float[] x, Parallel parallel) {
        int seq = batch.seqLength();
        long[] typeIds = batch.tokenTypeIds();
        parallel.forEach(packed.sequences(), s -> {
            int column = batch.firstRealToken(s);
            int len = packed.length(s);
            int next = positions.first(column);
            if (next + len > positionRows) {
                throw new IllegalArgumentException("sequence " + s + " has " + len + " tokens, which need position "
                        + (next + len - 1) + "; the model's table (max_position_embeddings) has " + positionRows);
            }
            for (int p = 0; p < len; p++) {
                int row = packed.offset(s) + p;
                long id = packed.id(s, row);
                long type = types.fromInput() ? typeIds[s * seq + column + p] : 0;
                if (type < 0 || type >= Math.max(types.count(), 1)) {
                    throw new IllegalArgumentException("token type " + type + " at [" + s + ", " + (column + p)
                            + "] is outside the model's " + types.count() + " token types");
                }
                int position = id == positions.paddingId() ? (int) id : next++;
                words.read(id * hidden, hidden, x, row * hidden);
                kernels.axpy(1f, positionTable, position * hidden, x, row * hidden, hidden);
                if (types.table() != null) {
                    kernels.axpy(1f, types.table(), (int) type * hidden, x, row * hidden, hidden);
                }
                kernels.addLayerNorm(x, row * hidden, null, hidden, gamma, beta, eps);
            }
        });
    }
}
