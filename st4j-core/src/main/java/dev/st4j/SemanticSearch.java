package dev.st4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Python's {@code util.semantic_search}, {@code paraphrase_mining} and {@code community_detection}, plus search
 * over quantized corpora as {@code semantic_search_faiss/_usearch} do it. Every search is chunked: scores are
 * computed in blocks on all cores and each block keeps only its top-k, so memory stays bounded for large corpora
 * and the results do not depend on the chunk sizes.
 */
public final class SemanticSearch {
    private SemanticSearch() {}

    /**
     * A corpus entry found for a query.
     *
     * @param corpusId row of the corpus
     * @param score its score (for a quantized search without rescoring: see {@link #semanticSearch(QuantizedEmbeddings,
     *     QuantizedEmbeddings, SearchOptions)})
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

    /** {@link #semanticSearch(FloatMatrix, FloatMatrix, SearchOptions)} with Python's defaults (top 10, cosine). */
    public static List<List<Hit>> semanticSearch(FloatMatrix queries, FloatMatrix corpus) {
        return semanticSearch(queries, corpus, SearchOptions.defaults());
    }

    /**
     * The {@code topK} best corpus rows for each query, best first: Python's {@code semantic_search}. The rows kept
     * are the top-k by {@code (score, corpus id)}, so on a tie at the cut the larger corpus id stays, as in Python's
     * heap of tuples; equal scores come out in the order that heap leaves them (each chunk's candidates offered in
     * corpus order), then a stable sort by score. No queries give an empty list.
     *
     * @throws IllegalArgumentException if the corpus is empty or the widths differ
     */
    public static List<List<Hit>> semanticSearch(FloatMatrix queries, FloatMatrix corpus, SearchOptions options) {
        checkInputs(queries, corpus, options);
        int topK = options.topK();
        List<List<Hit>> results = new ArrayList<>(queries.rows());
        for (int q0 = 0; q0 < queries.rows(); q0 += options.queryChunkSize()) {
            int q1 = Math.min(queries.rows(), q0 + options.queryChunkSize());
            FloatMatrix chunk = BlockScorer.rows(queries, q0, q1);
            PythonHeap[] heaps = new PythonHeap[q1 - q0];
            for (int i = 0; i < heaps.length; i++) {
                heaps[i] = new PythonHeap(topK);
            }
            for (int c0 = 0; c0 < corpus.rows(); c0 += options.corpusChunkSize()) {
                int c1 = Math.min(corpus.rows(), c0 + options.corpusChunkSize());
                TopK[] tops = BlockScorer.topK(chunk, corpus, c0, c1, Math.min(topK, c1 - c0),
                        options.scoreFunction(), false);
                for (int i = 0; i < heaps.length; i++) {
                    float[] s = new float[tops[i].size()];
                    int[] ids = tops[i].idsAscending(s);
                    for (int h = 0; h < ids.length; h++) {
                        heaps[i].push(s[h], ids[h]);
                    }
                }
            }
            for (PythonHeap heap : heaps) {
                results.add(heap.bestFirst());
            }
        }
        return List.copyOf(results);
    }

    /** The {@code topK} best corpus rows for each query by cosine similarity, best first. */
    public static List<List<Hit>> search(FloatMatrix queries, FloatMatrix corpus, int topK) {
        return semanticSearch(queries, corpus, SearchOptions.builder().topK(topK).build());
    }

    /** The {@code topK} best corpus rows for each query by {@code function}, best first. */
    public static List<List<Hit>> search(FloatMatrix queries, FloatMatrix corpus, int topK,
            SimilarityFunction function) {
        return semanticSearch(queries, corpus, SearchOptions.builder().topK(topK).scoreFunction(function).build());
    }

    /**
     * Float queries against a quantized corpus, as {@code semantic_search_faiss/_usearch} with exact search: the
     * queries are quantized like the corpus ({@link SearchOptions#calibration()} ranges for int8/uint8), the
     * {@code topK} (or, with {@link SearchOptions#rescore()}, {@code topK * rescoreMultiplier}) best candidates are
     * found by Hamming distance (binary/ubinary) or integer dot product (int8/uint8), and, when rescoring, they are
     * rescored by the float query's dot product with the corpus values (bits as 0/1, int8 as integers) and the
     * {@code topK} best of those kept. Without rescoring, scores are as in {@link #semanticSearch(QuantizedEmbeddings,
     * QuantizedEmbeddings, SearchOptions)}.
     */
    public static List<List<Hit>> semanticSearch(FloatMatrix queries, QuantizedEmbeddings corpus,
            SearchOptions options) {
        if (queries == null || corpus == null || options == null) {
            throw new IllegalArgumentException("queries, corpus and options must not be null");
        }
        Precision p = corpus.precision();
        FloatMatrix calibration = options.calibration() != null ? options.calibration() : queries;
        QuantizedEmbeddings q = queries.rows() == 0 ? QuantizedEmbeddings.of(p, 0, corpus.cols(), new byte[0])
                : Quantization.quantize(queries, p, calibration);
        if (!options.rescore()) {
            return semanticSearch(q, corpus, options);
        }
        int candidates = options.topK() * options.rescoreMultiplier();
        List<List<Hit>> found = semanticSearch(q, corpus, options.toBuilder().topK(candidates).build());
        int d = queries.cols();
        List<List<Hit>> out = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            float[] query = queries.row(i);
            List<Hit> rescored = new ArrayList<>();
            for (Hit h : found.get(i)) {
                rescored.add(new Hit(h.corpusId(), (float) QuantizedScores.floatDot(query, corpus, h.corpusId(), d)));
            }
            rescored.sort(Comparator.comparingDouble(Hit::score).reversed()); // stable: candidate order on ties
            out.add(List.copyOf(rescored.subList(0, Math.min(options.topK(), rescored.size()))));
        }
        return List.copyOf(out);
    }

    /**
     * Quantized queries against a quantized corpus of the same precision, no rescoring. Scores: for binary/ubinary
     * the Hamming distance negated (so larger is better, as every st4j score; Python's FAISS/usearch report the
     * distance itself), for int8/uint8 the integer dot product. Ties go to the smaller corpus id.
     */
    public static List<List<Hit>> semanticSearch(QuantizedEmbeddings queries, QuantizedEmbeddings corpus,
            SearchOptions options) {
        if (queries == null || corpus == null || options == null) {
            throw new IllegalArgumentException("queries, corpus and options must not be null");
        }
        if (queries.precision() != corpus.precision()) {
            throw new IllegalArgumentException("queries are " + queries.precision().pythonName() + ", the corpus "
                    + corpus.precision().pythonName() + "; quantize both the same way");
        }
        if (corpus.rows() == 0) {
            throw new IllegalArgumentException("corpus must not be empty");
        }
        if (queries.rows() > 0 && queries.cols() != corpus.cols()) {
            throw new IllegalArgumentException("queries have " + queries.cols() + " bytes per row, the corpus "
                    + corpus.cols() + "; both must come from embeddings of the same width");
        }
        int k = Math.min(options.topK(), corpus.rows());
        byte[] rows = corpus.toByteArray(); // one copy, shared by every query
        return IntStream.range(0, queries.rows()).parallel().mapToObj(i -> {
            TopK top = new TopK(k, true);
            byte[] query = queries.row(i);
            for (int j = 0; j < corpus.rows(); j++) {
                top.offer(QuantizedScores.score(query, corpus.precision(), rows, j), j);
            }
            float[] s = new float[top.size()];
            int[] ids = top.idsBestFirst(s);
            List<Hit> hits = new ArrayList<>(ids.length);
            for (int h = 0; h < ids.length; h++) {
                hits.add(new Hit(ids[h], s[h]));
            }
            return List.copyOf(hits);
        }).toList();
    }

    /**
     * Python's {@code paraphrase_mining(model, sentences, ...)}: encodes {@code sentences} with {@code encode}
     * options (Python's defaults: {@link EncodeOptions#defaults()}) and mines them.
     */
    public static List<Pair> paraphraseMining(SentenceTransformer model, List<String> sentences,
            EncodeOptions encode, MiningOptions options) {
        if (model == null || sentences == null) {
            throw new IllegalArgumentException("model and sentences must not be null");
        }
        FloatMatrix embeddings = model.encode(sentences, encode == null ? EncodeOptions.defaults() : encode);
        return paraphraseMiningEmbeddings(embeddings, options);
    }

    /** {@link #paraphraseMiningEmbeddings(FloatMatrix, MiningOptions)} with Python's defaults. */
    public static List<Pair> paraphraseMiningEmbeddings(FloatMatrix embeddings) {
        return paraphraseMiningEmbeddings(embeddings, MiningOptions.defaults());
    }

    /**
     * Python's {@code paraphrase_mining_embeddings}: every row's {@code topK} best partners (plus itself), pushed as
     * directed pairs {@code (score, i, j)} into a min-queue; once {@code maxPairs} have been pushed, every further push
     * pops the smallest and raises the bar to its score (later pairs must beat it strictly). The queue is then
     * drained, deduplicated into unordered pairs and sorted by score, best first.
     */
    public static List<Pair> paraphraseMiningEmbeddings(FloatMatrix embeddings, MiningOptions options) {
        if (embeddings == null || options == null) {
            throw new IllegalArgumentException("embeddings and options must not be null");
        }
        int n = embeddings.rows();
        int topK = options.topK() + 1; // each row finds itself first
        Comparator<float[]> smallestFirst = (a, b) -> a[0] != b[0] ? Float.compare(a[0], b[0])
                : a[1] != b[1] ? Float.compare(a[1], b[1]) : Float.compare(a[2], b[2]);
        // Entries are {score, i, j}; i and j are exact in a float up to 2^24 rows, checked below.
        if (n > (1 << 24)) {
            throw new IllegalArgumentException("paraphrase mining supports up to 2^24 rows, got " + n);
        }
        PriorityQueue<float[]> pairs = new PriorityQueue<>(smallestFirst);
        float minScore = -1;
        long added = 0;
        for (int c0 = 0; c0 < n; c0 += options.corpusChunkSize()) {
            int c1 = Math.min(n, c0 + options.corpusChunkSize());
            for (int q0 = 0; q0 < n; q0 += options.queryChunkSize()) {
                int q1 = Math.min(n, q0 + options.queryChunkSize());
                TopK[] tops = BlockScorer.topK(BlockScorer.rows(embeddings, q0, q1), embeddings, c0, c1,
                        Math.min(topK, c1 - c0), options.scoreFunction(), false);
                for (int r = 0; r < tops.length; r++) {
                    float[] s = new float[tops[r].size()];
                    int[] ids = tops[r].idsAscending(s);
                    int i = q0 + r;
                    for (int h = 0; h < ids.length; h++) {
                        if (i != ids[h] && s[h] > minScore) {
                            pairs.add(new float[] {s[h], i, ids[h]});
                            added++;
                            if (added >= options.maxPairs()) {
                                minScore = pairs.poll()[0];
                            }
                        }
                    }
                }
            }
        }
        Set<Long> seen = new HashSet<>();
        List<Pair> out = new ArrayList<>();
        while (!pairs.isEmpty()) {
            float[] e = pairs.poll();
            int a = (int) Math.min(e[1], e[2]);
            int b = (int) Math.max(e[1], e[2]);
            if (seen.add(((long) a << 32) | b)) {
                out.add(new Pair(e[0], a, b));
            }
        }
        out.sort(Comparator.comparingDouble(Pair::score).reversed()); // stable, as Python's sorted(reverse=True)
        return List.copyOf(out);
    }

    /** Python's deprecated cap-by-count helper, kept for callers: {@code paraphraseMiningEmbeddings} with cosine. */
    public static List<Pair> paraphrases(FloatMatrix embeddings, int topK, int maxPairs) {
        return paraphraseMiningEmbeddings(embeddings, MiningOptions.builder().topK(topK).maxPairs(maxPairs).build());
    }

    /** {@link #communityDetection(FloatMatrix, float, int, int)} with Python's defaults (0.75, 10, 1024). */
    public static List<List<Integer>> communityDetection(FloatMatrix embeddings) {
        return communityDetection(embeddings, 0.75f, 10, 1024);
    }

    /**
     * Python's {@code community_detection}: for every row with at least {@code min(minCommunitySize, n)} rows
     * (itself included) at cosine similarity {@code >= threshold}, the community of all those rows, best first (so
     * the row itself leads as the central point); then, largest first, each community minus the members already
     * taken is kept if it still has {@code minCommunitySize} members. Returned largest first.
     *
     * @param batchSize rows scored at once (bounds memory; no effect on the result)
     */
    public static List<List<Integer>> communityDetection(FloatMatrix embeddings, float threshold,
            int minCommunitySize, int batchSize) {
        if (embeddings == null) {
            throw new IllegalArgumentException("embeddings must not be null");
        }
        if (minCommunitySize <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("minCommunitySize and batchSize must be positive, got "
                    + minCommunitySize + " and " + batchSize);
        }
        int n = embeddings.rows();
        int minSize = Math.min(minCommunitySize, n);
        FloatMatrix unit = normalized(embeddings);
        List<int[]> extracted = new ArrayList<>();
        for (int b0 = 0; b0 < n; b0 += batchSize) {
            List<int[]> found = IntStream.range(b0, Math.min(n, b0 + batchSize)).parallel().mapToObj(i -> {
                float[] s = SimilarityFunction.DOT.similarity(BlockScorer.rows(unit, i, i + 1), unit).data();
                int count = 0;
                for (float v : s) {
                    if (v >= threshold) {
                        count++;
                    }
                }
                if (count < minSize) {
                    return null;
                }
                Integer[] members = new Integer[count];
                for (int j = 0, m = 0; j < n; j++) {
                    if (s[j] >= threshold) {
                        members[m++] = j;
                    }
                }
                // Descending score; equal scores in row order.
                java.util.Arrays.sort(members, (x, y) -> Float.compare(s[y], s[x]));
                return java.util.Arrays.stream(members).mapToInt(Integer::intValue).toArray();
            }).filter(java.util.Objects::nonNull).toList();
            extracted.addAll(found);
        }
        extracted = new ArrayList<>(extracted);
        extracted.sort(Comparator.comparingInt((int[] c) -> c.length).reversed());
        boolean[] used = new boolean[n];
        List<List<Integer>> unique = new ArrayList<>();
        for (int[] community : extracted) {
            List<Integer> left = new ArrayList<>();
            for (int m : community) {
                if (!used[m]) {
                    left.add(m);
                }
            }
            if (left.size() >= minSize) {
                unique.add(List.copyOf(left));
                for (int m : left) {
                    used[m] = true;
                }
            }
        }
        unique.sort(Comparator.comparingInt((List<Integer> c) -> c.size()).reversed());
        return List.copyOf(unique);
    }

    /** Rows scaled to unit length in float, as torch's {@code F.normalize} ({@code x / max(||x||, 1e-12)}). */
    private static FloatMatrix normalized(FloatMatrix m) {
        float[] x = m.data();
        int d = m.cols();
        float[] out = new float[x.length];
        for (int r = 0; r < m.rows(); r++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += (double) x[r * d + k] * x[r * d + k];
            }
            float norm = (float) Math.max(Math.sqrt(s), 1e-12);
            for (int k = 0; k < d; k++) {
                out[r * d + k] = x[r * d + k] / norm;
            }
        }
        return FloatMatrix.wrap(m.rows(), d, out);
    }

    private static void checkInputs(FloatMatrix queries, FloatMatrix corpus, SearchOptions options) {
        if (queries == null || corpus == null || options == null) {
            throw new IllegalArgumentException("queries, corpus and options must not be null");
        }
        if (corpus.rows() == 0) {
            throw new IllegalArgumentException("corpus must not be empty");
        }
        if (queries.rows() > 0 && queries.cols() != corpus.cols()) {
            throw new IllegalArgumentException("queries have " + queries.cols() + " dimensions, the corpus "
                    + corpus.cols() + "; encode both with the same model and truncateDim");
        }
    }

    /**
     * A list driven exactly like Python's {@code heapq} with {@code (score, corpus_id)} tuples: {@code heappush}
     * below capacity, {@code heappushpop} after. Its array order decides the order of equal scores in the output.
     */
    private static final class PythonHeap {
        private final int capacity;
        private final float[] scores;
        private final int[] ids;
        private int size;

        PythonHeap(int capacity) {
            this.capacity = capacity;
            this.scores = new float[capacity];
            this.ids = new int[capacity];
        }

        private boolean less(int a, int b) {
            return scores[a] < scores[b] || (scores[a] == scores[b] && ids[a] < ids[b]);
        }

        void push(float score, int id) {
            if (size < capacity) {
                scores[size] = score;
                ids[size] = id;
                siftDown(0, size++);
            } else if (scores[0] < score || (scores[0] == score && ids[0] < id)) {
                scores[0] = score;
                ids[0] = id;
                siftUp(0);
            }
        }

        // heapq._siftdown: move the item at pos up towards the root while it is smaller than its parent.
        private void siftDown(int start, int pos) {
            float s = scores[pos];
            int id = ids[pos];
            while (pos > start) {
                int parent = (pos - 1) >> 1;
                if (s < scores[parent] || (s == scores[parent] && id < ids[parent])) {
                    scores[pos] = scores[parent];
                    ids[pos] = ids[parent];
                    pos = parent;
                } else {
                    break;
                }
            }
            scores[pos] = s;
            ids[pos] = id;
        }

        // heapq._siftup: bubble the smaller child up to the leaf, then sift the item back down into place.
        private void siftUp(int pos) {
            int start = pos;
            float s = scores[pos];
            int id = ids[pos];
            int child = 2 * pos + 1;
            while (child < size) {
                int right = child + 1;
                if (right < size && !less(child, right)) {
                    child = right;
                }
                scores[pos] = scores[child];
                ids[pos] = ids[child];
                pos = child;
                child = 2 * pos + 1;
            }
            scores[pos] = s;
            ids[pos] = id;
            siftDown(start, pos);
        }

        List<Hit> bestFirst() {
            List<Hit> hits = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                hits.add(new Hit(ids[i], scores[i]));
            }
            hits.sort(Comparator.comparingDouble(Hit::score).reversed());
            return List.copyOf(hits);
        }
    }
}
