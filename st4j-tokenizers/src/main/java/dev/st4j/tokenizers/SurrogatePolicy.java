package dev.st4j.tokenizers;

/** What to do with an unpaired UTF-16 surrogate in an input text. */
public enum SurrogatePolicy {
    /** Throw {@link UnpairedSurrogateException} naming the text and the position (the default). */
    REJECT,
    /** Replace that one code unit with U+FFFD and tokenize the rest unchanged. */
    REPLACE;

    /**
     * The text itself when it is well-formed; else per this policy ({@code textIndex} names the text in a
     * refusal).
     */
    public String apply(String text, int textIndex) {
        int n = text.length();
        StringBuilder fixed = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                if (fixed != null) {
                    fixed.append(c);
                }
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (fixed != null) {
                    fixed.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (this == REJECT) {
                throw new UnpairedSurrogateException(textIndex, i, c);
            }
            if (fixed == null) {
                fixed = new StringBuilder(n).append(text, 0, i);
            }
            fixed.append('\uFFFD');
        }
        return fixed == null ? text : fixed.toString();
    }
}
