package dev.st4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Python's {@code util.semantic_search} and {@code util.paraphrase_mining}: top-k scoring over embeddings, in
 * chunks so that memory stays bounded for large corpora.
 */
public final class SemanticSearch {
    /** Rows of the corpus scored at once against a chunk of queries. */
    private static final int CORPUS_CHUNK = 50_000;
    private static final int QUERY_CHUNK = 100;

    private SemanticSearch() {}

    /**
     * A corpus entry found for a query.
     *
     * @param corpusId row of the corpus
     * @param score its similarity to the query
     */
    public record Hit(int corpusId, float score) {}

    /**
     * A pair of similar texts.
     *
     * @param score their similarity
     * @param first the smaller row index
     * @param second the larger row index
     */
    public record Pair(float score, int first, int second) {}

    /** The {@code topK} best corpus rows for each query by cosine similarity, best first. */
    public static List<List<Hit>> search(FloatMatrix queries, FloatMatrix corpus, int topK) {
        return search(queries, corpus, topK, SimilarityFunction.COSINE);
    }

    /** The {@code topK} best corpus rows for each query, best first (ties: lower corpus row first). */
    public static List<List<Hit>> search(FloatMatrix queries, FloatMatrix corpus, int topK,
            SimilarityFunction function) {
        if (queries == null || corpus == null || function == null) {
            throw new IllegalArgumentException("queries, corpus and function must not be null");
        }
        if (topK <= 0) {
            throw new IllegalArgumentException("topK must be positive, got " + topK);
        }
        Comparator<Hit> worstFirst = Comparator.comparingDouble(Hit::score)
                .thenComparing(Hit::corpusId, Comparator.reverseOrder());
        List<List<Hit>> results = new ArrayList<>();
        for (int q0 = 0; q0 < queries.rows(); q0 += QUERY_CHUNK) {
            int q1 = Math.min(queries.rows(), q0 + QUERY_CHUNK);
            FloatMatrix qs = slice(queries, q0, q1);
            List<PriorityQueue<Hit>> heaps = new ArrayList<>();
            for (int i = q0; i < q1; i++) {
                heaps.add(new PriorityQueue<>(worstFirst));
            }
            for (int c0 = 0; c0 < corpus.rows(); c0 += CORPUS_CHUNK) {
                int c1 = Math.min(corpus.rows(), c0 + CORPUS_CHUNK);
                FloatMatrix scores = function.similarity(qs, slice(corpus, c0, c1));
                for (int i = 0; i < qs.rows(); i++) {
                    PriorityQueue<Hit> heap = heaps.get(i);
                    for (int j = 0; j < scores.cols(); j++) {
                        Hit h = new Hit(c0 + j, scores.get(i, j));
                        if (heap.size() < topK) {
                            heap.add(h);
                        } else if (worstFirst.compare(h, heap.peek()) > 0) {
                            heap.poll();
                            heap.add(h);
                        }
                    }
                }
            }
            for (PriorityQueue<Hit> heap : heaps) {
                List<Hit> hits = new ArrayList<>(heap);
                hits.sort(worstFirst.reversed());
                results.add(List.copyOf(hits));
            }
        }
        return List.copyOf(results);
    }

    /**
     * The most similar pairs among {@code embeddings} by cosine similarity, best first: each row's {@code topK} best
     * partners, deduplicated, capped at {@code maxPairs}.
     */
    public static List<Pair> paraphrases(FloatMatrix embeddings, int topK, int maxPairs) {
        if (maxPairs <= 0) {
            throw new IllegalArgumentException("maxPairs must be positive, got " + maxPairs);
        }
        // One extra neighbour: every row finds itself first.
        List<List<Hit>> neighbours = search(embeddings, embeddings, topK + 1);
        java.util.Map<Long, Pair> pairs = new java.util.HashMap<>();
        for (int i = 0; i < neighbours.size(); i++) {
            for (Hit h : neighbours.get(i)) {
                if (h.corpusId() == i) {
                    continue;
                }
                int a = Math.min(i, h.corpusId());
                int b = Math.max(i, h.corpusId());
                pairs.putIfAbsent(((long) a << 32) | b, new Pair(h.score(), a, b));
            }
        }
        List<Pair> sorted = new ArrayList<>(pairs.values());
        sorted.sort(Comparator.comparingDouble(Pair::score).reversed().thenComparingInt(Pair::first)
                .thenComparingInt(Pair::second));
        return List.copyOf(sorted.subList(0, Math.min(maxPairs, sorted.size())));
    }

    private static FloatMatrix slice(FloatMatrix m, int from, int to) {
        if (from == 0 && to == m.rows()) {
            return m;
        }
        return FloatMatrix.wrap(to - from, m.cols(),
                java.util.Arrays.copyOfRange(m.data(), from * m.cols(), to * m.cols()));
    }
}
