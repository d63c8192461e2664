package dev.st4j.tokenizers.models;

import dev.st4j.tokenizers.Token;
import java.util.List;

/** A tokenizer.json {@code model}: turns one word into tokens with offsets inside that word. */
public interface Model {
    List<Token> tokenize(String word);

    /** The model's tokens and their ids. */
    Vocabulary vocabulary();
}
