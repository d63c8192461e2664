package dev.st4j.engine.rotary;

import dev.st4j.engine.checkpoint.Checkpoint;
import dev.st4j.engine.batch.PackedBatch;
import dev.st4j.backend.TokenBatch;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.internal.safetensors.Tensor;

/**
 * What the rotary architectures share around their layers: the real tokens of a batch are packed, their embedding
 * rows read (in place, in the stored type), the architecture's {@link #encode} runs on the packed rows, and the
 * result is written back at the tokens' positions of the padded batch.
 */
public abstract class RotaryModel implements EncoderModel {
    protected final Kernels kernels;
    protected final int hidden;
    private final int vocab;
    private final Tensor embeddings;
    private final String architecture;

    /** @param embeddings the {@code [vocab, hidden]} token embedding table */
    protected RotaryModel(String name, Kernels kernels, Tensor embeddings) {
        long[] shape = embeddings.shape();
        this.kernels = kernels;
        this.vocab = Math.toIntExact(shape[0]);
        this.hidden = Math.toIntExact(shape[1]);
        this.embeddings = embeddings;
        this.architecture = name + Checkpoint.dtypeLabel(embeddings);
    }

    @Override
    public final String architecture() {
        return architecture;
    }

    @Override
    public final int hiddenSize() {
        return hidden;
    }

    @Override
    public final float[] forward(TokenBatch batch, Parallel parallel) {
        PackedBatch packed = PackedBatch.of(batch, vocab);
        float[] x = new float[packed.tokens() * hidden];
        packed.gather(embeddings, hidden, x);
        encode(packed, x, parallel);
        return packed.unpack(x, hidden);
    }

    /** The layers on the packed token embeddings {@code x} ({@code [tokens, hidden]}), in place. */
    protected abstract void encode(PackedBatch packed, float[] x, Parallel parallel);
}
