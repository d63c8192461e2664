package dev.st4j.internal.pipeline;

import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.tokenizer.TextTokenizer;
import dev.st4j.pipeline.Module;
import dev.st4j.pipeline.Transformer;
import java.util.List;

/**
 * The first module of a pipeline: it turns texts into the ids the rest consumes. Most input modules do that with a
 * {@link TextTokenizer}; the defaults below delegate to it.
 */
public interface InputModule extends Module {

    TextTokenizer tokenizer();

    /** Tokenizes each text (truncated, not padded). */
    default List<TextTokenizer.Encoded> encodeTexts(List<String> texts) {
        return tokenizer().encode(texts);
    }

    /** Tokenizes sentence pairs as segments A and B. */
    default List<TextTokenizer.Encoded> encodePairs(List<String> first, List<String> second) {
        return tokenizer().encodePairs(first, second);
    }

    /** Pads rows to the longest (on the right: backends always see right padding). */
    default TokenBatch pad(List<TextTokenizer.Encoded> rows) {
        return tokenizer().pad(rows);
    }

    /** Token count of one text before truncation, special tokens included. */
    default int untruncatedLength(String text) {
        return tokenizer().untruncatedLength(text);
    }

    /** Turns token ids back into text with the tokenizer's decoder. */
    default String decode(int[] ids, boolean skipSpecialTokens) {
        return tokenizer().decode(ids, skipSpecialTokens);
    }

    /** Tokens a prompt occupies at the start of a text, as sentence-transformers counts them. */
    default int promptLength(String prompt) {
        return tokenizer().promptLength(prompt);
    }

    /** Whether rows are presented left-padded after the forward pass (tokenizer_config.json's padding_side). */
    default boolean padsLeft() {
        return tokenizer().padsLeft();
    }

    /** Longest input in tokens, or {@link TextTokenizer#UNLIMITED}. */
    default int maxSeqLength() {
        return tokenizer().maxLength();
    }

    void setMaxSeqLength(int length);

    /** What computes the embeddings, for {@code st4j info}. */
    String describeBackend();

    /**
     * This module running its forward pass on {@code device}, sharing everything else (tokenizer, weights) with
     * this one: {@code this} when it already runs there. A copy that is not {@code this} is closed by whoever asked
     * for it, without closing this module. By default a module computes in Java, on the CPU only.
     *
     * @throws dev.st4j.UnsupportedModelException the module cannot run on {@code device}
     */
    default InputModule onDevice(dev.st4j.backend.Device device) {
        if (device.cuda()) {
            throw new dev.st4j.UnsupportedModelException("the model's " + typeName() + " module computes in Java "
                    + "on the CPU only, not on " + device + " (CUDA runs Transformer modules, through ONNX Runtime); "
                    + "use \"cpu\"");
        }
        return this;
    }

    /** Whether it outputs token embeddings (a Transformer) rather than sentence embeddings directly. */
    default boolean producesTokenEmbeddings() {
        return true;
    }
}
