package dev.st4j.pipeline;

import dev.st4j.tokenizer.TextTokenizer;

/** The first module of a pipeline: it owns the tokenizer that turns texts into the ids the rest consumes. */
public interface InputModule extends Module {

    TextTokenizer tokenizer();

    /** Longest input in tokens, or {@link TextTokenizer#UNLIMITED}. */
    default int maxSeqLength() {
        return tokenizer().maxLength();
    }

    void setMaxSeqLength(int length);

    /** What computes the embeddings, for {@code st4j info}. */
    String describeBackend();
}
