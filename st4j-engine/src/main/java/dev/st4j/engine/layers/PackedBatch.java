package dev.st4j.engine.layers;

import dev.st4j.backend.TokenBatch;

/**
 * Where each sequence's real tokens sit once a padded batch is packed into one {@code [tokens, hidden]} matrix:
 * every linear layer then runs as a single matmul with no padding rows, and attention runs per sequence over its
 * own tokens only (so no attention mask is needed).
 */
public final class PackedBatch {
    private final int[] offsets;

    private PackedBatch(int[] offsets) {
        this.offsets = offsets;
    }

    /**
     * Packs {@code batch}, refusing a sequence longer than {@code maxLength}, the most tokens the architecture has
     * positions for.
     */
    public static PackedBatch of(TokenBatch batch, int maxLength, String architecture) {
        int[] lengths = batch.lengths();
        int[] offsets = new int[batch.batchSize() + 1];
        for (int b = 0; b < batch.batchSize(); b++) {
            if (lengths[b] > maxLength || lengths[b] > batch.seqLength()) {
                throw new IllegalArgumentException("sequence " + b + " has " + lengths[b] + " tokens; the "
                        + architecture + " model has positions for " + maxLength);
            }
            offsets[b + 1] = offsets[b] + lengths[b];
        }
        return new PackedBatch(offsets);
    }

    public int sequences() {
        return offsets.length - 1;
    }

    /** All real tokens of the batch. */
    public int tokens() {
        return offsets[offsets.length - 1];
    }

    /** The packed row of sequence {@code s}'s first token. */
    public int start(int s) {
        return offsets[s];
    }

    public int length(int s) {
        return offsets[s + 1] - offsets[s];
    }

    /** Packed rows of {@code width} floats back to {@code [batch, seqLength, width]}; padded positions are zero. */
    public float[] unpack(float[] x, int width, int seqLength) {
        float[] out = new float[sequences() * seqLength * width];
        for (int s = 0; s < sequences(); s++) {
            System.arraycopy(x, offsets[s] * width, out, s * seqLength * width, length(s) * width);
        }
        return out;
    }
}
