package dev.st4j.tokenizers.models;

import java.util.HashMap;
import java.util.Map;

/** A model's tokens: token string to id and back. */
public final class Vocabulary {
    private final Map<String, Integer> ids;
    private final String[] byId;

    /** From a tokenizer.json {@code vocab} object (ids need not be dense). */
    Vocabulary(Map<String, Integer> ids) {
        this.ids = ids;
        int max = -1;
        for (int id : ids.values()) {
            max = Math.max(max, id);
        }
        this.byId = new String[max + 1];
        ids.forEach((k, v) -> byId[v] = k);
    }

    /** From a list of pieces in id order (Unigram); a repeated piece keeps its first id. */
    Vocabulary(String[] pieces) {
        this.byId = pieces;
        this.ids = new HashMap<>(pieces.length * 2);
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(pieces[i], i);
        }
    }

    /** The id of a token, or null. */
    Integer get(String token) {
        return ids.get(token);
    }

    /** The id of a token string, or -1. */
    public int tokenToId(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** The token string of an id, or null. */
    public String idToToken(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    public int size() {
        return ids.size();
    }
}
