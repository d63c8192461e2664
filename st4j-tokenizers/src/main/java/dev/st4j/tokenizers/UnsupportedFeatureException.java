package dev.st4j.tokenizers;

/**
 * A tokenizer file uses a feature this implementation does not have. Loading fails rather than tokenizing
 * differently from Hugging Face tokenizers; {@link #feature()} names what is missing.
 */
public final class UnsupportedFeatureException extends TokenizerFormatException {
    private final String feature;

    public UnsupportedFeatureException(String feature) {
        super("tokenizer.json uses " + feature + ", which st4j's Java tokenizer does not implement");
        this.feature = feature;
    }

    /** The unimplemented component or option, as spelled in tokenizer.json. */
    public String feature() {
        return feature;
    }
}
