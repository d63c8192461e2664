package dev.st4j.tokenizers.models;

import dev.st4j.tokenizers.Token;
import dev.st4j.tokenizers.TokenizerFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** BERT's WordPiece: greedy longest match from the left, continuation pieces prefixed ("##"). */
final class WordPiece implements Model {
    private final Vocabulary vocab;
    private final String unk;
    private final String prefix;
    private final int maxChars;

    WordPiece(Map<String, Integer> vocab, String unk, String prefix, int maxChars) {
        this.vocab = new Vocabulary(vocab);
        this.unk = unk;
        this.prefix = prefix;
        this.maxChars = maxChars;
    }

    @Override
    public List<Token> tokenize(String word) {
        int n = word.length();
        if (word.codePointCount(0, n) > maxChars) {
            return List.of(unkToken(n));
        }
        List<Token> out = new ArrayList<>(4);
        int start = 0;
        StringBuilder sb = new StringBuilder(prefix.length() + n);
        while (start < n) {
            int end = n;
            Token found = null;
            while (start < end) {
                String sub;
                if (start > 0) {
                    sb.setLength(0);
                    sub = sb.append(prefix).append(word, start, end).toString();
                } else {
                    sub = end == n ? word : word.substring(0, end);
                }
                Integer id = vocab.get(sub);
                if (id != null) {
                    found = new Token(id, sub, start, end);
                    break;
                }
                end -= Character.charCount(word.codePointBefore(end));
            }
            if (found == null) {
                return List.of(unkToken(n));
            }
            out.add(found);
            start = end;
        }
        return out;
    }

    private Token unkToken(int n) {
        Integer id = vocab.get(unk);
        if (id == null) {
            throw new TokenizerFormatException("WordPiece unk_token \"" + unk + "\" is not in the vocabulary");
        }
        return new Token(id, unk, 0, n);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }
}
