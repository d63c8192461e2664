package dev.st4j;

import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.Pipeline;
import dev.st4j.pipeline.Module;
import java.util.Arrays;

/** Checks and conversions of {@code encode}'s options and outputs, kept out of the batching loop. */
final class EncodeRequests {
    private EncodeRequests() {}

    /** {@code encode} returns float sentence embeddings; other options name the method that returns theirs. */
    static void requireFloatSentenceEmbeddings(EncodeOptions options) {
        if (options.precision() != Precision.FLOAT32) {
            throw new IllegalArgumentException("precision " + options.precision().pythonName() + " gives bytes: "
                    + "call encodeQuantized(texts, options), which returns QuantizedEmbeddings");
        }
        switch (options.outputValue()) {
            case SENTENCE_EMBEDDING -> { }
            case TOKEN_EMBEDDINGS -> throw new IllegalArgumentException("outputValue token_embeddings gives one "
                    + "matrix per text: call encodeTokens(texts, options)");
            case ALL -> throw new IllegalArgumentException("outputValue all gives every output per text: call "
                    + "encodeAll(texts, options)");
        }
    }

    /**
     * The sentence embeddings a batch produced must be as wide as the modules declare: a config that lies about
     * a width is an error, never truncated or mixed rows.
     */
    static void checkWidth(Pipeline.Plan plan, Features f, int declared) {
        if (f.sentenceEmbeddings() == null) {
            throw new UnsupportedModelException("the modules " + plan.modules().stream().map(Module::typeName)
                    .toList() + " produce no sentence embedding; add a Pooling module after the "
                    + plan.input().typeName());
        }
        if (f.sentenceDim() != declared) {
            throw new St4jException("the modules " + plan.modules().stream().map(Module::typeName).toList()
                    + " declare " + declared + "-wide embeddings but produced " + f.sentenceDim()
                    + "-wide ones; a module config states a wrong dimension");
        }
    }

    /**
     * Row {@code r} of a batch as Python's {@code token_embeddings} output gives it: up to the last unmasked
     * position (trailing padding dropped, leading padding of a left-padded row kept).
     */
    static EncodedText trimmed(Features f, int r, float[] sentence) {
        int seq = f.batch().seqLength();
        long[] mask = f.attentionMask();
        int last = seq - 1;
        while (last > 0 && mask[r * seq + last] == 0) {
            last--;
        }
        int len = seq == 0 ? 0 : last + 1;
        long[] ids = Arrays.copyOfRange(f.inputIds(), r * seq, r * seq + len);
        long[] m = Arrays.copyOfRange(mask, r * seq, r * seq + len);
        float[] tokens = f.tokenEmbeddings();
        int h = f.tokenDim();
        FloatMatrix t = tokens == null ? FloatMatrix.wrap(0, 0, new float[0])
                : FloatMatrix.wrap(len, h, Arrays.copyOfRange(tokens, r * seq * h, (r * seq + len) * h));
        return new EncodedText(t, ids, m, sentence);
    }
}
