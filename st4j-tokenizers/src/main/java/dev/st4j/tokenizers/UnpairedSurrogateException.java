package dev.st4j.tokenizers;

/**
 * A text holds a UTF-16 surrogate without its partner, so it is not valid Unicode (Python refuses such strings too).
 * Encode with {@link SurrogatePolicy#REPLACE} to turn just that code unit into U+FFFD instead.
 */
public final class UnpairedSurrogateException extends IllegalArgumentException {
    private final int textIndex;
    private final int position;

    public UnpairedSurrogateException(int textIndex, int position, char unit) {
        this(textIndex, position, unit, "let the tokenizer replace it with U+FFFD (SurrogatePolicy.REPLACE)");
    }

    /** As above, with the caller's way to opt in to the replacement ({@code optIn}, after "fix the text, or"). */
    public UnpairedSurrogateException(int textIndex, int position, char unit, String optIn) {
        super(String.format("text %d has an unpaired surrogate U+%04X at position %d (UTF-16 index); "
                + "fix the text, or %s", textIndex, (int) unit, position, optIn));
        this.textIndex = textIndex;
        this.position = position;
    }

    /** Index of the text in the batch (0 for a single text). */
    public int textIndex() {
        return textIndex;
    }

    /** UTF-16 index of the unpaired surrogate in that text. */
    public int position() {
        return position;
    }
}
