package dev.st4j.tokenizers;

/**
 * A tokenizer file uses a feature this implementation does not have. Loading fails rather than tokenizing
 * differently from Hugging Face tokenizers; {@link #feature()} names what is missing.
 */
public final class UnsupportedFeatureException extends TokenizerFormatException {
    private final String feature;

    public UnsupportedFeatureException(String feature) {
        this("tokenizer.json", feature);
    }

    /** {@code file} (a tokenizer.json or a slow-tokenizer file such as spiece.model) uses {@code feature}. */
    public UnsupportedFeatureException(String file, String feature) {
        super(file + " uses " + feature + ", which st4j's Java tokenizer does not implement");
        this.feature = feature;
    }

    /** The unimplemented component or option, as spelled in tokenizer.json. */
    public String feature() {
        return feature;
    }
}
