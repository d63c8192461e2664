package dev.st4j.tokenizers.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.Token;
import dev.st4j.tokenizers.TokenizerFormatException;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding: a word starts as its characters (unknown ones as byte tokens or the unk token), then the
 * lowest-ranked merge anywhere in it is applied until none applies. Dropout is not supported (it is random).
 */
final class Bpe implements Model {
    private static final int CACHE_LIMIT = 10_000;

    private final Vocabulary vocab;
    /** (left id, right id) to rank << 32 | merged id. */
    private final Map<Long, Long> merges;
    private final String unk;
    private final String prefix;
    private final String suffix;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final Map<String, List<Token>> cache = new ConcurrentHashMap<>();

    private Bpe(Map<String, Integer> vocab, Map<Long, Long> merges, String unk, String prefix, String suffix,
            boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {
        this.vocab = new Vocabulary(vocab);
        this.merges = merges;
        this.unk = unk;
        this.prefix = prefix;
        this.suffix = suffix;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
    }

    static Model fromJson(JsonNode node, Map<String, Integer> vocab) {
        JsonNode dropout = node.get("dropout");
        if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0.0) {
            throw new UnsupportedFeatureException("BPE dropout " + dropout.asText()
                    + " (random; inference files have none)");
        }
        Map<Long, Long> merges = new HashMap<>();
        JsonNode list = node.path("merges");
        int rank = 0;
        for (JsonNode m : list) {
            String a;
            String b;
            if (m.isTextual()) {
                String s = m.asText();
                int sp = s.indexOf(' ');
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFormatException("BPE merge \"" + s + "\" is not two tokens separated by a space");
                }
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            } else if (m.isArray() && m.size() == 2) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                throw new TokenizerFormatException("BPE merge must be \"a b\" or [a, b], got " + m);
            }
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            String merged = a + (b.startsWith(Json.text(node, "continuing_subword_prefix", "\u0000"))
                    ? b.substring(Json.text(node, "continuing_subword_prefix", "").length()) : b);
            Integer im = vocab.get(merged);
            if (ia == null || ib == null || im == null) {
                throw new TokenizerFormatException("BPE merge \"" + a + " " + b + "\" uses tokens missing from the vocab");
            }
            merges.putIfAbsent(key(ia, ib), ((long) rank << 32) | im);
            rank++;
        }
        return new Bpe(vocab, merges, Json.text(node, "unk_token", null),
                Json.text(node, "continuing_subword_prefix", null), Json.text(node, "end_of_word_suffix", null),
                Json.bool(node, "fuse_unk", false), Json.bool(node, "byte_fallback", false),
                Json.bool(node, "ignore_merges", false));
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    @Override
    public List<Token> tokenize(String word) {
        if (word.isEmpty()) {
            return List.of();
        }
        List<Token> cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<Token> out;
        Integer whole = ignoreMerges ? vocab.get(word) : null;
        if (whole != null) {
            out = List.of(new Token(whole, word, 0, word.length()));
        } else {
            out = merge(word);
        }
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(word, out);
        return out;
    }

    /** The symbols of a word: ids and their ranges, linked so merges can remove the right one. */
    private List<Token> merge(String w) {
        int n = w.length();
        int[] ids = new int[n * 4 + 1];
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        int count = 0;
        int unkId = -1;
        int unkStart = 0;
        int unkEnd = 0;
        for (int i = 0; i < n; ) {
            int cp = w.codePointAt(i);
            int end = i + Character.charCount(cp);
            String s = w.substring(i, end);
            if (i > 0 && prefix != null) {
                s = prefix + s;
            }
            if (end == n && suffix != null) {
                s = s + suffix;
            }
            Integer id = vocab.get(s);
            if (id != null) {
                if (unkId >= 0) {
                    ids[count] = unkId;
                    starts[count] = unkStart;
                    ends[count++] = unkEnd;
                    unkId = -1;
                }
                ids[count] = id;
                starts[count] = i;
                ends[count++] = end;
            } else {
                boolean done = false;
                if (byteFallback) {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    int[] byteIds = new int[bytes.length];
                    boolean all = true;
                    for (int k = 0; k < bytes.length && all; k++) {
                        Integer bid = vocab.get(String.format("<0x%02X>", bytes[k] & 0xFF));
                        if (bid == null) {
                            all = false;
                        } else {
                            byteIds[k] = bid;
                        }
                    }
                    if (all) {
                        if (unkId >= 0) {
                            ids[count] = unkId;
                            starts[count] = unkStart;
                            ends[count++] = unkEnd;
                            unkId = -1;
                        }
                        for (int bid : byteIds) {
                            ids[count] = bid;
                            starts[count] = i;
                            ends[count++] = end;
                        }
                        done = true;
                    }
                }
                if (!done && unk != null) {
                    Integer u = vocab.get(unk);
                    if (u == null) {
                        throw new TokenizerFormatException("BPE unk_token \"" + unk + "\" is not in the vocabulary");
                    }
                    if (unkId >= 0 && fuseUnk) {
                        unkEnd = end;
                    } else {
                        if (unkId >= 0) {
                            ids[count] = unkId;
                            starts[count] = unkStart;
                            ends[count++] = unkEnd;
                        }
                        unkId = u;
                        unkStart = i;
                        unkEnd = end;
                    }
                }
            }
            i = end;
        }
        if (unkId >= 0) {
            ids[count] = unkId;
            starts[count] = unkStart;
            ends[count++] = unkEnd;
        }
        mergeAll(ids, starts, ends, count);
        List<Token> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (ids[i] >= 0) {
                out.add(new Token(ids[i], vocab.idToToken(ids[i]), starts[i], ends[i]));
            }
        }
        return out;
    }

    /** Applies merges lowest rank first (leftmost on ties); merged-away symbols get id -1. */
    private void mergeAll(int[] ids, int[] starts, int[] ends, int count) {
        if (count < 2) {
            return;
        }
        int[] prev = new int[count];
        int[] next = new int[count];
        for (int i = 0; i < count; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        // Entries: rank << 32 | position, and the merged id kept alongside to detect stale entries.
        PriorityQueue<long[]> queue = new PriorityQueue<>(count,
                (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (int i = 0; i + 1 < count; i++) {
            Long m = merges.get(key(ids[i], ids[i + 1]));
            if (m != null) {
                queue.add(new long[] {m >>> 32, i, m & 0xFFFFFFFFL});
            }
        }
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int pos = (int) top[1];
            if (ids[pos] < 0 || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            Long m = merges.get(key(ids[pos], ids[right]));
            if (m == null || (m & 0xFFFFFFFFL) != top[2]) {
                continue;
            }
            ids[pos] = (int) top[2];
            ends[pos] = ends[right];
            ids[right] = -1;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0) {
                Long pm = merges.get(key(ids[prev[pos]], ids[pos]));
                if (pm != null) {
                    queue.add(new long[] {pm >>> 32, prev[pos], pm & 0xFFFFFFFFL});
                }
            }
            if (next[pos] >= 0) {
                Long nm = merges.get(key(ids[pos], ids[next[pos]]));
                if (nm != null) {
                    queue.add(new long[] {nm >>> 32, pos, nm & 0xFFFFFFFFL});
                }
            }
        }
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }
}
