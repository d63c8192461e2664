package dev.st4j.tokenizers.models;

import dev.st4j.tokenizers.Token;
import dev.st4j.tokenizers.TokenizerFormatException;
import java.util.List;
import java.util.Map;

/** One token per word, looked up whole; unknown words become the unk token. */
final class WordLevel implements Model {
    private final Map<String, Integer> vocab;
    private final String[] byId;
    private final String unk;

    WordLevel(Map<String, Integer> vocab, String unk) {
        this.vocab = vocab;
        this.byId = Models.reverse(vocab);
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
    public int tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public String idToToken(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }
}
