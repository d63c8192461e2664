package dev.st4j;

/** What {@code encode} returns per text, as Python's {@code output_value} argument. */
public enum OutputValue {
    /** {@code "sentence_embedding"}: one vector per text ({@link SentenceTransformer#encode}). */
    SENTENCE_EMBEDDING("sentence_embedding"),
    /** {@code "token_embeddings"}: one {@code [tokens, hidden]} matrix per text ({@link SentenceTransformer#encodeTokens}). */
    TOKEN_EMBEDDINGS("token_embeddings"),
    /** {@code None}: every output per text ({@link SentenceTransformer#encodeAll}). */
    ALL(null);

    private final String pythonName;

    OutputValue(String pythonName) {
        this.pythonName = pythonName;
    }

    /** Python's value: {@code "sentence_embedding"}, {@code "token_embeddings"}, or null for all. */
    public String pythonName() {
        return pythonName;
    }

    /** Parses Python's names; {@code null}, {@code "all"} and {@code "None"} mean {@link #ALL}. */
    public static OutputValue fromName(String name) {
        if (name == null || name.equals("all") || name.equals("None")) {
            return ALL;
        }
        for (OutputValue v : values()) {
            if (name.equals(v.pythonName)) {
                return v;
            }
        }
        throw new IllegalArgumentException("outputValue '" + name + "' is not supported, must be one of "
                + "sentence_embedding, token_embeddings or all");
    }
}
