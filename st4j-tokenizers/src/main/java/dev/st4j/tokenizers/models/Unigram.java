package dev.st4j.tokenizers.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.Token;
import dev.st4j.tokenizers.TokenizerFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SentencePiece's unigram model: the segmentation with the highest total log-probability (Viterbi over all
 * vocabulary pieces; a character no piece covers costs the lowest score minus 10 and becomes the unk token,
 * consecutive unknowns fused).
 */
final class Unigram implements Model {
    private static final double UNK_PENALTY = 10.0;

    private final Vocabulary ids;
    private final double[] scores;
    private final int unkId;
    private final boolean byteFallback;
    private final double minScore;
    private final int maxPieceLength;

    private Unigram(String[] pieces, double[] scores, int unkId, boolean byteFallback) {
        this.ids = new Vocabulary(pieces);
        this.scores = scores;
        this.unkId = unkId;
        this.byteFallback = byteFallback;
        double min = Double.POSITIVE_INFINITY;
        int maxLen = 1;
        for (int i = 0; i < pieces.length; i++) {
            min = Math.min(min, scores[i]);
            maxLen = Math.max(maxLen, pieces[i].length());
        }
        this.minScore = min;
        this.maxPieceLength = maxLen;
    }

    static Model fromJson(JsonNode node) {
        JsonNode vocab = node.get("vocab");
        if (vocab == null || !vocab.isArray()) {
            throw new TokenizerFormatException("the Unigram model needs a \"vocab\" list of [piece, score]");
        }
        String[] pieces = new String[vocab.size()];
        double[] scores = new double[vocab.size()];
        for (int i = 0; i < pieces.length; i++) {
            JsonNode e = vocab.get(i);
            if (!e.isArray() || e.size() != 2) {
                throw new TokenizerFormatException("Unigram vocab entry " + i + " is not [piece, score]: " + e);
            }
            pieces[i] = e.get(0).asText();
            scores[i] = e.get(1).asDouble();
        }
        int unk = Json.integer(node, "unk_id", -1);
        if (unk >= pieces.length) {
            throw new TokenizerFormatException("Unigram unk_id " + unk + " is outside the vocabulary");
        }
        return new Unigram(pieces, scores, unk, Json.bool(node, "byte_fallback", false));
    }

    @Override
    public List<Token> tokenize(String word) {
        int n = word.length();
        if (n == 0) {
            return List.of();
        }
        // Best path ending at each UTF-16 position.
        double[] best = new double[n + 1];
        int[] from = new int[n + 1];
        int[] id = new int[n + 1];
        java.util.Arrays.fill(from, -1);
        for (int start = 0; start < n; ) {
            if (start > 0 && from[start] < 0) {
                throw new AssertionError("unreachable position " + start);
            }
            double here = best[start];
            int charLen = Character.charCount(word.codePointAt(start));
            boolean single = false;
            int limit = Math.min(n, start + maxPieceLength);
            for (int end = start + charLen; end <= limit; ) {
                Integer pid = ids.get(word.substring(start, end));
                if (pid != null) {
                    double cand = here + scores[pid];
                    if (from[end] < 0 || cand > best[end]) {
                        best[end] = cand;
                        from[end] = start;
                        id[end] = pid;
                    }
                    if (end - start == charLen) {
                        single = true;
                    }
                }
                if (end >= n) {
                    break;
                }
                end += Character.charCount(word.codePointAt(end));
            }
            if (!single) {
                if (unkId < 0) {
                    throw new TokenizerFormatException("Unigram: \"" + word.substring(start, start + charLen)
                            + "\" is not in the vocabulary and the model has no unk_id");
                }
                int end = start + charLen;
                double cand = here + minScore - UNK_PENALTY;
                if (from[end] < 0 || cand > best[end]) {
                    best[end] = cand;
                    from[end] = start;
                    id[end] = unkId;
                }
            }
            start += charLen;
        }
        // Walk back, fusing consecutive unknowns.
        List<int[]> spans = new ArrayList<>();
        int end = n;
        int unkEnd = -1;
        while (end > 0) {
            int start = from[end];
            if (id[end] == unkId) {
                if (unkEnd < 0) {
                    unkEnd = end;
                }
            } else {
                if (unkEnd >= 0) {
                    spans.add(new int[] {end, unkEnd, unkId});
                    unkEnd = -1;
                }
                spans.add(new int[] {start, end, id[end]});
            }
            end = start;
        }
        if (unkEnd >= 0) {
            spans.add(new int[] {0, unkEnd, unkId});
        }
        List<Token> out = new ArrayList<>(spans.size());
        for (int k = spans.size() - 1; k >= 0; k--) {
            int[] sp = spans.get(k);
            String s = word.substring(sp[0], sp[1]);
            Integer known = ids.get(s);
            if (known != null) {
                out.add(new Token(known, s, sp[0], sp[1]));
                continue;
            }
            if (byteFallback) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                List<Token> byteTokens = new ArrayList<>(bytes.length);
                for (byte b : bytes) {
                    String bs = String.format("<0x%02X>", b & 0xFF);
                    Integer bid = ids.get(bs);
                    if (bid == null) {
                        byteTokens = null;
                        break;
                    }
                    byteTokens.add(new Token(bid, bs, sp[0], sp[1]));
                }
                if (byteTokens != null) {
                    out.addAll(byteTokens);
                    continue;
                }
            }
            out.add(new Token(unkId, s, sp[0], sp[1]));
        }
        return out;
    }

    @Override
    public Vocabulary vocabulary() {
        return ids;
    }
}
