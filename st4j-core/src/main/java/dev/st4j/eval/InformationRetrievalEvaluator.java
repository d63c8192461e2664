package dev.st4j.eval;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.ScoreFunction;
import dev.st4j.SearchOptions;
import dev.st4j.SemanticSearch;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Python's {@code InformationRetrievalEvaluator}: encodes the queries ({@code encodeQuery}) and the corpus
 * ({@code encodeDocument}, in chunks), retrieves each query's best documents per score function, ranked by score
 * and then by corpus id, and reports accuracy@k, precision@k, recall@k, NDCG@k, MRR@k and MAP@k with Python's k
 * lists and key names ({@code cosine_accuracy@1}, ..., {@code cosine_map@100}), prefixed with {@code name + "_"}
 * when a name is set. Queries without relevant documents are skipped. The primary metric is the main function's
 * NDCG at the largest k, else the best function's.
 *
 * <p>Relevance is binary, as in Python, unless graded relevance is given: then a document is relevant when its
 * grade is above 0 and NDCG uses the grades as gains (the ideal ranking sorts the grades).
 */
public final class InformationRetrievalEvaluator implements Evaluator {
    private final List<String> queryIds;
    private final List<String> queries;
    private final List<String> corpusIds; // ascending, so position order is id order
    private final List<String> corpus;
    private final Map<String, Map<String, Double>> relevance;
    private final boolean graded;
    private final int corpusChunkSize;
    private final List<Integer> mrrAtK;
    private final List<Integer> ndcgAtK;
    private final List<Integer> accuracyAtK;
    private final List<Integer> precisionRecallAtK;
    private final List<Integer> mapAtK;
    private final int batchSize;
    private final String name;
    private final boolean writeCsv;
    private final Integer truncateDim;
    private final Map<String, ScoreFunction> scoreFunctions;
    private final SimilarityFunction mainScoreFunction;
    private final String queryPrompt;
    private final String queryPromptName;
    private final String corpusPrompt;
    private final String corpusPromptName;
    private volatile String primaryMetric;

    private InformationRetrievalEvaluator(Builder b) {
        if (b.queries == null || b.corpus == null || b.relevance == null) {
            throw new IllegalArgumentException("queries, corpus and relevant documents must be set");
        }
        if (b.corpus.isEmpty()) {
            throw new IllegalArgumentException("corpus must not be empty");
        }
        List<String> qids = new ArrayList<>();
        for (String qid : b.queries.keySet()) {
            Map<String, Double> rel = b.relevance.get(qid);
            if (rel != null && rel.values().stream().anyMatch(g -> g > 0)) {
                qids.add(qid);
            }
        }
        if (qids.isEmpty()) {
            throw new IllegalArgumentException("no query has a relevant document: check that the relevance "
                    + "judgements use the queries' ids");
        }
        this.queryIds = List.copyOf(qids);
        this.queries = qids.stream().map(b.queries::get).toList();
        TreeMap<String, String> sorted = new TreeMap<>(b.corpus);
        this.corpusIds = List.copyOf(sorted.keySet());
        this.corpus = List.copyOf(sorted.values());
        Map<String, Map<String, Double>> rel = new LinkedHashMap<>();
        b.relevance.forEach((q, docs) -> {
            Map<String, Double> positive = new LinkedHashMap<>();
            docs.forEach((d, g) -> {
                if (g > 0) {
                    positive.put(d, g);
                }
            });
            rel.put(q, Collections.unmodifiableMap(positive));
        });
        this.relevance = Collections.unmodifiableMap(rel);
        this.graded = b.graded;
        this.corpusChunkSize = b.corpusChunkSize;
        this.mrrAtK = List.copyOf(b.mrrAtK);
        this.ndcgAtK = List.copyOf(b.ndcgAtK);
        this.accuracyAtK = List.copyOf(b.accuracyAtK);
        this.precisionRecallAtK = List.copyOf(b.precisionRecallAtK);
        this.mapAtK = List.copyOf(b.mapAtK);
        for (List<Integer> ks : List.of(mrrAtK, ndcgAtK, accuracyAtK, precisionRecallAtK, mapAtK)) {
            if (ks.isEmpty() || ks.stream().anyMatch(k -> k <= 0)) {
                throw new IllegalArgumentException("every k list needs at least one positive k, got " + ks);
            }
        }
        this.batchSize = b.batchSize;
        this.name = b.name;
        this.writeCsv = b.writeCsv;
        this.truncateDim = b.truncateDim;
        this.scoreFunctions = b.scoreFunctions == null ? null : Collections.unmodifiableMap(
                new LinkedHashMap<>(b.scoreFunctions));
        this.mainScoreFunction = b.mainScoreFunction;
        this.queryPrompt = b.queryPrompt;
        this.queryPromptName = b.queryPromptName;
        this.corpusPrompt = b.corpusPrompt;
        this.corpusPromptName = b.corpusPromptName;
    }

    /** Binary relevance, as Python's {@code relevant_docs}: query id to the ids of its relevant documents. */
    public static Builder builder(Map<String, String> queries, Map<String, String> corpus,
            Map<String, ? extends Set<String>> relevantDocs) {
        Map<String, Map<String, Double>> rel = new LinkedHashMap<>();
        relevantDocs.forEach((q, docs) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            docs.forEach(d -> m.put(d, 1.0));
            rel.put(q, m);
        });
        return new Builder(queries, corpus, rel, false);
    }

    /** Graded relevance: query id to document id to grade (above 0 is relevant; NDCG uses the grades as gains). */
    public static Builder gradedBuilder(Map<String, String> queries, Map<String, String> corpus,
            Map<String, ? extends Map<String, Double>> grades) {
        return new Builder(queries, corpus, new LinkedHashMap<>(grades), true);
    }

    /** Python's CSV name: {@code Information-Retrieval_evaluation[_name]_results.csv}. */
    public String csvFileName() {
        return "Information-Retrieval_evaluation" + (name.isEmpty() ? "" : "_" + name) + "_results.csv";
    }

    @Override
    public String primaryMetric() {
        return primaryMetric;
    }

    /** Number of queries evaluated (those with at least one relevant document). */
    public int queryCount() {
        return queries.size();
    }

    @Override
    public Map<String, Double> evaluate(SentenceTransformer model, Path outputFolder) throws IOException {
        EncodeOptions q = EncodeOptions.builder().batchSize(batchSize).prompt(queryPrompt).promptName(queryPromptName)
                .truncateDim(truncateDim).build();
        EncodeOptions d = EncodeOptions.builder().batchSize(batchSize).prompt(corpusPrompt)
                .promptName(corpusPromptName).truncateDim(truncateDim).build();
        return evaluate(texts -> model.encodeQuery(texts, q), texts -> model.encodeDocument(texts, d),
                model.getSimilarityFunction(), outputFolder);
    }

    /** The evaluation over any encoders (tests use hand-made embeddings). */
    Map<String, Double> evaluate(Function<List<String>, FloatMatrix> encodeQueries,
            Function<List<String>, FloatMatrix> encodeDocuments, SimilarityFunction modelFunction, Path outputFolder)
            throws IOException {
        Map<String, ScoreFunction> fns = scoreFunctions != null ? scoreFunctions
                : Map.of(modelFunction.pythonName(), modelFunction);
        int maxK = Collections.max(List.of(Collections.max(mrrAtK), Collections.max(ndcgAtK),
                Collections.max(accuracyAtK), Collections.max(precisionRecallAtK), Collections.max(mapAtK)));
        FloatMatrix queryEmbeddings = encodeQueries.apply(queries);
        Map<String, List<List<Ranked>>> results = new LinkedHashMap<>();
        fns.keySet().forEach(f -> {
            List<List<Ranked>> perQuery = new ArrayList<>();
            for (int i = 0; i < queries.size(); i++) {
                perQuery.add(new ArrayList<>());
            }
            results.put(f, perQuery);
        });
        for (int c0 = 0; c0 < corpus.size(); c0 += corpusChunkSize) {
            int c1 = Math.min(corpus.size(), c0 + corpusChunkSize);
            // Reversed, so that search's tie rule (the larger row stays) keeps the smaller corpus id, as Python does.
            List<String> chunk = new ArrayList<>(corpus.subList(c0, c1));
            Collections.reverse(chunk);
            FloatMatrix chunkEmbeddings = encodeDocuments.apply(chunk);
            for (Map.Entry<String, ScoreFunction> f : fns.entrySet()) {
                List<List<SemanticSearch.Hit>> hits = SemanticSearch.semanticSearch(queryEmbeddings, chunkEmbeddings,
                        SearchOptions.builder().topK(maxK).scoreFunction(f.getValue()).build());
                for (int i = 0; i < hits.size(); i++) {
                    List<Ranked> ranked = results.get(f.getKey()).get(i);
                    for (SemanticSearch.Hit h : hits.get(i)) {
                        ranked.add(new Ranked(h.score(), corpusIds.get(c1 - 1 - h.corpusId())));
                    }
                    ranked.sort(Ranked.ORDER);
                    if (ranked.size() > maxK) {
                        ranked.subList(maxK, ranked.size()).clear();
                    }
                }
            }
        }
        Map<String, Map<String, Map<Integer, Double>>> scores = new LinkedHashMap<>();
        results.forEach((f, r) -> scores.put(f, metrics(r)));
        List<String> sortedNames = new ArrayList<>(fns.keySet());
        Collections.sort(sortedNames);
        if (outputFolder != null && writeCsv) {
            writeCsv(outputFolder, sortedNames, scores);
        }
        int ndcgK = Collections.max(ndcgAtK);
        String primaryFunction = mainScoreFunction != null ? mainScoreFunction.pythonName()
                : sortedNames.stream().max(Comparator.comparingDouble(
                        (String f) -> scores.get(f).get("ndcg@k").get(ndcgK)).thenComparing(
                                Comparator.comparingInt(sortedNames::indexOf).reversed())).orElseThrow();
        primaryMetric = EmbeddingSimilarityEvaluator.prefixed(name, primaryFunction + "_ndcg@" + ndcgK);
        Map<String, Double> metrics = new LinkedHashMap<>();
        scores.forEach((f, byMetric) -> byMetric.forEach((metric, byK) -> byK.forEach((k, v) ->
                metrics.put(f + "_" + metric.replace("@k", "@" + k), v))));
        return EmbeddingSimilarityEvaluator.prefixed(name, metrics);
    }

    private record Ranked(float score, String corpusId) {
        static final Comparator<Ranked> ORDER = Comparator.comparingDouble((Ranked r) -> -r.score)
                .thenComparing(Ranked::corpusId);
    }

    private Map<String, Map<Integer, Double>> metrics(List<List<Ranked>> results) {
        Map<Integer, Double> accuracy = zeros(accuracyAtK);
        Map<Integer, Double> precision = zeros(precisionRecallAtK);
        Map<Integer, Double> recall = zeros(precisionRecallAtK);
        Map<Integer, Double> mrr = zeros(mrrAtK);
        Map<Integer, Double> ndcg = zeros(ndcgAtK);
        Map<Integer, Double> map = zeros(mapAtK);
        for (int i = 0; i < results.size(); i++) {
            List<Ranked> hits = results.get(i);
            Map<String, Double> rel = relevance.get(queryIds.get(i));
            for (int k : accuracyAtK) {
                if (hits.stream().limit(k).anyMatch(h -> rel.containsKey(h.corpusId))) {
                    accuracy.merge(k, 1.0, Double::sum);
                }
            }
            for (int k : precisionRecallAtK) {
                long correct = hits.stream().limit(k).filter(h -> rel.containsKey(h.corpusId)).count();
                precision.merge(k, (double) correct / k, Double::sum);
                recall.merge(k, (double) correct / rel.size(), Double::sum);
            }
            for (int k : mrrAtK) {
                for (int r = 0; r < Math.min(k, hits.size()); r++) {
                    if (rel.containsKey(hits.get(r).corpusId)) {
                        mrr.merge(k, 1.0 / (r + 1), Double::sum);
                        break;
                    }
                }
            }
            for (int k : ndcgAtK) {
                double[] predicted = new double[Math.min(k, hits.size())];
                for (int r = 0; r < predicted.length; r++) {
                    predicted[r] = graded ? rel.getOrDefault(hits.get(r).corpusId, 0.0)
                            : rel.containsKey(hits.get(r).corpusId) ? 1 : 0;
                }
                double[] ideal = rel.values().stream().mapToDouble(g -> graded ? g : 1.0)
                        .boxed().sorted(Comparator.reverseOrder()).mapToDouble(Double::doubleValue).toArray();
                ndcg.merge(k, dcg(predicted, k) / dcg(ideal, k), Double::sum);
            }
            for (int k : mapAtK) {
                int correct = 0;
                double sum = 0;
                for (int r = 0; r < Math.min(k, hits.size()); r++) {
                    if (rel.containsKey(hits.get(r).corpusId)) {
                        correct++;
                        sum += (double) correct / (r + 1);
                    }
                }
                map.merge(k, sum / Math.min(k, rel.size()), Double::sum);
            }
        }
        int n = results.size();
        Map<String, Map<Integer, Double>> out = new LinkedHashMap<>();
        out.put("accuracy@k", divided(accuracy, n));
        out.put("precision@k", divided(precision, n));
        out.put("recall@k", divided(recall, n));
        out.put("ndcg@k", divided(ndcg, n));
        out.put("mrr@k", divided(mrr, n));
        out.put("map@k", divided(map, n));
        return out;
    }

    private static double dcg(double[] relevances, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(relevances.length, k); i++) {
            dcg += relevances[i] / (Math.log(i + 2) / Math.log(2));
        }
        return dcg;
    }

    private static Map<Integer, Double> zeros(List<Integer> ks) {
        Map<Integer, Double> m = new LinkedHashMap<>();
        ks.forEach(k -> m.put(k, 0.0));
        return m;
    }

    private static Map<Integer, Double> divided(Map<Integer, Double> sums, int n) {
        Map<Integer, Double> m = new LinkedHashMap<>();
        sums.forEach((k, v) -> m.put(k, n == 0 ? Double.NaN : v / n));
        return m;
    }

    private void writeCsv(Path folder, List<String> names, Map<String, Map<String, Map<Integer, Double>>> scores)
            throws IOException {
        List<String> header = new ArrayList<>(List.of("epoch", "steps"));
        List<Double> values = new ArrayList<>();
        for (String f : names) {
            Map<String, Map<Integer, Double>> s = scores.get(f);
            for (int k : accuracyAtK) {
                header.add(f + "-Accuracy@" + k);
                values.add(s.get("accuracy@k").get(k));
            }
            for (int k : precisionRecallAtK) {
                header.add(f + "-Precision@" + k);
                values.add(s.get("precision@k").get(k));
                header.add(f + "-Recall@" + k);
                values.add(s.get("recall@k").get(k));
            }
            for (int k : mrrAtK) {
                header.add(f + "-MRR@" + k);
                values.add(s.get("mrr@k").get(k));
            }
            for (int k : ndcgAtK) {
                header.add(f + "-NDCG@" + k);
                values.add(s.get("ndcg@k").get(k));
            }
            for (int k : mapAtK) {
                header.add(f + "-MAP@" + k);
                values.add(s.get("map@k").get(k));
            }
        }
        ResultsCsv.append(folder, csvFileName(), header, values);
    }

    /** Builds an {@link InformationRetrievalEvaluator}; defaults as Python's constructor. */
    public static final class Builder {
        private final Map<String, String> queries;
        private final Map<String, String> corpus;
        private final Map<String, Map<String, Double>> relevance;
        private final boolean graded;
        private int corpusChunkSize = 50_000;
        private List<Integer> mrrAtK = List.of(10);
        private List<Integer> ndcgAtK = List.of(10);
        private List<Integer> accuracyAtK = List.of(1, 3, 5, 10);
        private List<Integer> precisionRecallAtK = List.of(1, 3, 5, 10);
        private List<Integer> mapAtK = List.of(100);
        private int batchSize = 32;
        private String name = "";
        private boolean writeCsv = true;
        private Integer truncateDim;
        private Map<String, ScoreFunction> scoreFunctions;
        private SimilarityFunction mainScoreFunction;
        private String queryPrompt;
        private String queryPromptName;
        private String corpusPrompt;
        private String corpusPromptName;

        private Builder(Map<String, String> queries, Map<String, String> corpus,
                Map<String, Map<String, Double>> relevance, boolean graded) {
            this.queries = queries;
            this.corpus = corpus;
            this.relevance = relevance;
            this.graded = graded;
        }

        /** Corpus texts encoded and searched at once (default 50,000). */
        public Builder corpusChunkSize(int corpusChunkSize) {
            if (corpusChunkSize <= 0) {
                throw new IllegalArgumentException("corpusChunkSize must be positive, got " + corpusChunkSize);
            }
            this.corpusChunkSize = corpusChunkSize;
            return this;
        }

        public Builder mrrAtK(List<Integer> ks) {
            this.mrrAtK = ks;
            return this;
        }

        public Builder ndcgAtK(List<Integer> ks) {
            this.ndcgAtK = ks;
            return this;
        }

        public Builder accuracyAtK(List<Integer> ks) {
            this.accuracyAtK = ks;
            return this;
        }

        public Builder precisionRecallAtK(List<Integer> ks) {
            this.precisionRecallAtK = ks;
            return this;
        }

        public Builder mapAtK(List<Integer> ks) {
            this.mapAtK = ks;
            return this;
        }

        /** Texts per encode batch (default 32). */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder name(String name) {
            this.name = name == null ? "" : name;
            return this;
        }

        public Builder writeCsv(boolean writeCsv) {
            this.writeCsv = writeCsv;
            return this;
        }

        public Builder truncateDim(Integer truncateDim) {
            this.truncateDim = truncateDim;
            return this;
        }

        /** Named score functions (default: the model's similarity function under its Python name). */
        public Builder scoreFunctions(Map<String, ScoreFunction> scoreFunctions) {
            this.scoreFunctions = scoreFunctions;
            return this;
        }

        public Builder mainScoreFunction(SimilarityFunction mainScoreFunction) {
            this.mainScoreFunction = mainScoreFunction;
            return this;
        }

        public Builder queryPrompt(String prompt) {
            this.queryPrompt = prompt;
            return this;
        }

        public Builder queryPromptName(String promptName) {
            this.queryPromptName = promptName;
            return this;
        }

        public Builder corpusPrompt(String prompt) {
            this.corpusPrompt = prompt;
            return this;
        }

        public Builder corpusPromptName(String promptName) {
            this.corpusPromptName = promptName;
            return this;
        }

        public InformationRetrievalEvaluator build() {
            return new InformationRetrievalEvaluator(this);
        }
    }
}
