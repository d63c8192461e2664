package dev.st4j.tokenizers.pretokenizers;

import dev.st4j.tokenizers.PreTokenizedString;

/** A tokenizer.json {@code pre_tokenizer}: cuts the normalized text into words. */
public interface PreTokenizer {
    void preTokenize(PreTokenizedString text);
}
