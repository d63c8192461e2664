package dev.st4j;

import dev.st4j.backend.TokenBatch;
import java.util.List;
import java.util.OptionalInt;

/** A read-only view of a model's tokenizer (Python's {@code model.tokenizer}), as {@code encode} uses it. */
public interface Tokenizer {

    /** Tokenizes texts the way {@code encode} does (truncated, padded on the right to the longest). */
    TokenBatch tokenize(List<String> texts);

    /** The token strings of one text, special tokens included. */
    List<String> tokens(String text);

    /**
     * Token count of one text as if nothing were cut, special tokens included: above {@link #maxSeqLength()} when
     * {@link #tokenize} would truncate it (servers refuse such texts when asked not to truncate).
     */
    int untruncatedLength(String text);

    /**
     * Turns token ids back into text with the tokenizer's decoder (Hugging Face's {@code tokenizer.decode}): ids the
     * vocabulary lacks are dropped, and so are special tokens such as {@code [CLS]} when {@code skipSpecialTokens}.
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** Longest input in tokens, special tokens included; empty when inputs are never cut. */
    OptionalInt maxSeqLength();

    /** Whether the tokenizer pads on the left ({@code padding_side} of tokenizer_config.json). */
    boolean padsLeft();
}
