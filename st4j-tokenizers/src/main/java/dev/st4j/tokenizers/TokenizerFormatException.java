package dev.st4j.tokenizers;

/** A tokenizer file that cannot be read: malformed JSON, a missing key, a value of the wrong kind. */
public class TokenizerFormatException extends RuntimeException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
