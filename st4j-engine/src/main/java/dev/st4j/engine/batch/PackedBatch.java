package dev.st4j.engine.batch;

import dev.st4j.backend.TokenBatch;

/**
 * The real tokens of a padded {@link TokenBatch}, packed one sequence after another into {@code [tokens, ...]}
 * rows, so no layer spends work on padding. Real tokens are found from the attention mask, so a row may be padded
 * on either side (decoder tokenizers pad on the left); they must form one contiguous run.
 *
 * <p>Each token keeps its column in the padded row as its position id: that is what transformers uses when no
 * {@code position_ids} are passed (sentence-transformers passes none), for either padding side. Rotary embeddings
 * only see position differences, so the padding side changes results at rounding level only.
 */
public final class PackedBatch {
    private final TokenBatch batch;
    private final int[] offsets;
    private final int[] starts;

    private PackedBatch(TokenBatch batch, int[] offsets, int[] starts) {
        this.batch = batch;
        this.offsets = offsets;
        this.starts = starts;
    }

    /**
     * Packs {@code batch}, checking that every id is below {@code vocab}.
     *
     * @throws IllegalArgumentException when a row's real tokens are not contiguous, disagree with its
     *     {@code lengths} entry, or hold an id outside the vocabulary
     */
    public static PackedBatch of(TokenBatch batch, int vocab) {
        int rows = batch.batchSize();
        int seq = batch.seqLength();
        long[] mask = batch.attentionMask();
        int[] offsets = new int[rows + 1];
        int[] starts = new int[rows];
        for (int b = 0; b < rows; b++) {
            int first = batch.firstRealToken(b);
            int end = first;
            while (end < seq && mask[b * seq + end] != 0) {
                end++;
            }
            for (int p = end; p < seq; p++) {
                if (mask[b * seq + p] != 0) {
                    throw new IllegalArgumentException("row " + b + " of the batch has padding between real tokens "
                            + "(attention mask 0 at " + end + ", 1 at " + p + "); pad on one side only");
                }
            }
            if (end - first != batch.lengths()[b]) {
                throw new IllegalArgumentException("row " + b + " of the batch has " + (end - first) + " real tokens "
                        + "in its attention mask but lengths says " + batch.lengths()[b]);
            }
            for (int p = first; p < end; p++) {
                long id = batch.inputIds()[b * seq + p];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token " + id + " at [" + b + ", " + p + "] is outside the "
                            + "vocabulary of " + vocab);
                }
            }
            starts[b] = first;
            offsets[b + 1] = offsets[b] + end - first;
        }
        return new PackedBatch(batch, offsets, starts);
    }

    /** Real tokens in the batch: the rows of every packed matrix. */
    public int tokens() {
        return offsets[offsets.length - 1];
    }

    public int sequences() {
        return starts.length;
    }

    /** Packed row of sequence {@code s}'s first token. */
    public int offset(int s) {
        return offsets[s];
    }

    public int length(int s) {
        return offsets[s + 1] - offsets[s];
    }

    /** Token id of packed row {@code t} of sequence {@code s}. */
    public long id(int s, int t) {
        return batch.inputIds()[s * batch.seqLength() + starts[s] + t - offsets[s]];
    }

    /** Position ids of every packed row: its column in the padded batch. */
    public int[] positions() {
        int[] pos = new int[tokens()];
        for (int s = 0; s < sequences(); s++) {
            for (int t = offsets[s]; t < offsets[s + 1]; t++) {
                pos[t] = starts[s] + t - offsets[s];
            }
        }
        return pos;
    }

    /** Row {@code id} of {@code table} ({@code [vocab, width]}, read in place) for each packed token, into {@code x}. */
    public void gather(dev.st4j.internal.safetensors.Tensor table, int width, float[] x) {
        for (int s = 0; s < sequences(); s++) {
            for (int t = offsets[s]; t < offsets[s + 1]; t++) {
                table.read(id(s, t) * width, width, x, t * width);
            }
        }
    }

    /** Packed {@code [tokens, width]} rows back to {@code [batch, seq, width]} at their real positions; padding 0. */
    public float[] unpack(float[] x, int width) {
        int seq = batch.seqLength();
        float[] out = new float[batch.batchSize() * seq * width];
        for (int s = 0; s < sequences(); s++) {
            System.arraycopy(x, offsets[s] * width, out, (s * seq + starts[s]) * width, length(s) * width);
        }
        return out;
    }
}
