package dev.st4j.tokenizers.normalizers;

import dev.st4j.tokenizers.NormalizedString;

/** A tokenizer.json {@code normalizer}: rewrites the text before it is split. */
public interface Normalizer {
    void normalize(NormalizedString text);

    /** Whether this normalizer lowercases (st4j's do_lower_case need not add another step then). */
    default boolean lowercases() {
        return false;
    }
}
