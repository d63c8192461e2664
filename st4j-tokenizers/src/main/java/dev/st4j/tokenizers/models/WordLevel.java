package dev.st4j.tokenizers.models;

import dev.st4j.tokenizers.Token;
import dev.st4j.tokenizers.TokenizerFormatException;
import java.util.List;
import java.util.Map;

/** One token per word, looked up whole; unknown words become the unk token. */
final class WordLevel implements Model {
    private final Vocabulary vocab;
    private final String unk;

    WordLevel(Map<String, Integer> vocab, String unk) {
        this.vocab = new Vocabulary(vocab);
        this.unk = unk;
    }

    @Override
    public List<Token> tokenize(String word) {
        Integer id = vocab.get(word);
        if (id != null) {
            return List.of(new Token(id, word, 0, word.length()));
        }
        Integer unkId = unk == null ? null : vocab.get(unk);
        if (unkId == null) {
            throw new TokenizerFormatException("WordLevel: \"" + word + "\" is not in the vocabulary and the"
                    + " unk_token " + (unk == null ? "is not set" : "\"" + unk + "\" is not in it either"));
        }
        return List.of(new Token(unkId, unk, 0, word.length()));
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }
}
