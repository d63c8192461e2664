package dev.st4j.tokenizers.models;

import dev.st4j.tokenizers.Token;
import java.util.List;

/** A tokenizer.json {@code model}: turns one word into tokens with offsets inside that word. */
public interface Model {
    List<Token> tokenize(String word);

    /** The id of a token string, or -1. */
    int tokenToId(String token);

    /** The token string of an id, or null. */
    String idToToken(int id);

    int vocabSize();
}
