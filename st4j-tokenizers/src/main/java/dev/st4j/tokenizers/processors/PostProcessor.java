package dev.st4j.tokenizers.processors;

import dev.st4j.tokenizers.Encoding;

/** A tokenizer.json {@code post_processor}: adds special tokens and type ids around the encoded text(s). */
public interface PostProcessor {
    /** How many tokens {@link #process} adds (truncation keeps room for them). */
    int addedTokens(boolean pair);

    /**
     * @param first the first text's tokens (type ids 0, sequence ids 0)
     * @param second the second text's tokens (type ids 1, sequence ids 1), or null
     */
    Encoding process(Encoding first, Encoding second, boolean addSpecialTokens);

    /**
     * The same for one combination of a truncation with stride, where {@code firstWindow} / {@code secondWindow}
     * say which texts are overflowing windows rather than their kept part. Hugging Face's TemplateProcessing gives
     * a window's tokens their own type ids (0 for the first text, 1 for the second) rather than the template's;
     * the other processors treat windows as kept parts.
     */
    default Encoding processOverflowing(Encoding first, boolean firstWindow, Encoding second, boolean secondWindow,
            boolean addSpecialTokens) {
        return process(first, second, addSpecialTokens);
    }

    /** What Hugging Face does without a post-processor: the texts one after the other, as they are. */
    static Encoding concat(Encoding first, Encoding second) {
        return second == null ? first : Encoding.concat(java.util.List.of(first, second));
    }
}
