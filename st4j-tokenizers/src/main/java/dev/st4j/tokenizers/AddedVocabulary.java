package dev.st4j.tokenizers;

import dev.st4j.tokenizers.normalizers.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file's {@code added_tokens}: found in the text before the model runs (leftmost, then longest), honouring
 * single_word, lstrip and rstrip. Tokens with {@code normalized: false} are matched in the raw text, the others in
 * the normalized text.
 */
final class AddedVocabulary {
    record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized,
            boolean special) {}

    private final Map<String, Integer> idByContent = new HashMap<>();
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Trie raw = new Trie();
    private final Trie normalizedTrie = new Trie();

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        for (AddedToken t : tokens) {
            idByContent.put(t.content(), t.id());
            byId.put(t.id(), t);
            if (t.content().isEmpty()) {
                continue;
            }
            if (t.normalized() && normalizer != null) {
                NormalizedString n = new NormalizedString(t.content());
                normalizer.normalize(n);
                if (!n.isEmpty()) {
                    normalizedTrie.add(n.get(), t);
                }
            } else if (t.normalized()) {
                normalizedTrie.add(t.content(), t);
            } else {
                raw.add(t.content(), t);
            }
        }
    }

    int tokenToId(String token) {
        Integer id = idByContent.get(token);
        return id == null ? -1 : id;
    }

    String idToToken(int id) {
        AddedToken t = byId.get(id);
        return t == null ? null : t.content();
    }

    boolean isSpecial(int id) {
        AddedToken t = byId.get(id);
        return t != null && t.special();
    }

    /** Cuts out the raw added tokens, normalizes the rest, then cuts out the normalized added tokens. */
    PreTokenizedString extractAndNormalize(String text, Normalizer normalizer) {
        List<PreTokenizedString.Split> first = new ArrayList<>();
        cut(new NormalizedString(text), raw, first);
        if (normalizer == null && normalizedTrie.isEmpty()) {
            return new PreTokenizedString(first);
        }
        List<PreTokenizedString.Split> second = new ArrayList<>(first.size());
        for (PreTokenizedString.Split s : first) {
            if (s.tokens != null) {
                second.add(s);
                continue;
            }
            if (normalizer != null) {
                normalizer.normalize(s.normalized);
            }
            cut(s.normalized, normalizedTrie, second);
        }
        return new PreTokenizedString(second);
    }

    private static void cut(NormalizedString n, Trie trie, List<PreTokenizedString.Split> out) {
        String s = n.get();
        if (trie.isEmpty() || s.isEmpty()) {
            if (!s.isEmpty()) {
                out.add(new PreTokenizedString.Split(n, null));
            }
            return;
        }
        int startOffset = 0;
        int pos = 0;
        int len = s.length();
        while (pos < len) {
            Trie.Match m = trie.longestAt(s, pos);
            if (m == null) {
                pos++;
                continue;
            }
            int start = pos;
            int stop = pos + m.length;
            pos = stop;
            AddedToken t = m.token;
            if (t.singleWord()) {
                boolean startSpace = start == 0 || !isWordChar(s.codePointBefore(start));
                boolean stopSpace = stop == len || !isWordChar(s.codePointAt(stop));
                if (!startSpace || !stopSpace) {
                    continue;
                }
            }
            if (t.lstrip()) {
                int ns = start;
                while (ns > 0 && Chars.isWhitespace(s.codePointBefore(ns))) {
                    ns -= Character.charCount(s.codePointBefore(ns));
                }
                start = Math.max(ns, startOffset);
            }
            if (t.rstrip()) {
                while (stop < len && Chars.isWhitespace(s.codePointAt(stop))) {
                    stop += Character.charCount(s.codePointAt(stop));
                }
            }
            if (startOffset < start) {
                out.add(new PreTokenizedString.Split(n.slice(startOffset, start), null));
            }
            NormalizedString piece = n.slice(start, stop);
            out.add(new PreTokenizedString.Split(piece, List.of(new Token(t.id(), piece.get(), 0, piece.length()))));
            startOffset = stop;
            pos = Math.max(pos, stop);
        }
        if (startOffset < len) {
            out.add(new PreTokenizedString.Split(n.slice(startOffset, len), null));
        }
    }

    private static boolean isWordChar(int c) {
        return Chars.isAlphanumeric(c) || c == '_';
    }

    /** Added tokens by their strings, for leftmost-longest search. */
    static final class Trie {
        private final Node root = new Node();
        private boolean empty = true;

        record Match(AddedToken token, int length) {}

        static final class Node {
            final Map<Character, Node> next = new HashMap<>();
            AddedToken token;
        }

        void add(String s, AddedToken t) {
            Node n = root;
            for (int i = 0; i < s.length(); i++) {
                n = n.next.computeIfAbsent(s.charAt(i), k -> new Node());
            }
            if (n.token == null) {
                n.token = t;
            }
            empty = false;
        }

        boolean isEmpty() {
            return empty;
        }

        Match longestAt(String s, int pos) {
            Node n = root;
            Match best = null;
            for (int i = pos; i < s.length(); i++) {
                n = n.next.get(s.charAt(i));
                if (n == null) {
                    break;
                }
                if (n.token != null) {
                    best = new Match(n.token, i + 1 - pos);
                }
            }
            return best;
        }
    }
}
