package dev.st4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.Quantization;
import dev.st4j.SearchOptions;
import dev.st4j.SemanticSearch;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 on the STS benchmark dev split (figures computed by an independent implementation on the same
 * weights) and on Cranfield (IR metrics recorded in README.md; quantized search against float search).
 */
@Tag("slow")
class ReferenceBenchmarksTest {
    static Path data(String name) {
        return Path.of(System.getProperty("st4j.shared.data", "../shared/data")).resolve(name);
    }

    @Test
    void stsDevCosineCorrelationsMatchTheReference() throws IOException {
        EvaluationData.StsPairs sts = EvaluationData.readSts(data("stsb-en-dev.csv"));
        assertEquals(1500, sts.scores().length);
        try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            EmbeddingSimilarityEvaluator e = EmbeddingSimilarityEvaluator.builder(sts.sentences1(),
                    sts.sentences2(), sts.scores()).name("sts-dev").similarityFunctions(List.of(
                            SimilarityFunction.COSINE, SimilarityFunction.EUCLIDEAN, SimilarityFunction.MANHATTAN,
                            SimilarityFunction.DOT)).build();
            Map<String, Double> m = model.evaluate(e);
            System.out.println("STS dev: " + m);
            assertEquals(86.72, 100 * m.get("sts-dev_spearman_cosine"), 0.01);
            assertEquals(86.96, 100 * m.get("sts-dev_pearson_cosine"), 0.01);
            assertEquals("sts-dev_spearman_max", e.primaryMetric());
        }
    }

    @Test
    void cranfieldRetrievalMetricsAndQuantizedSearchOverlap() throws IOException {
        Map<String, String> queries = EvaluationData.readTexts(data("cranfield/cran.qry"));
        Map<String, String> corpus = EvaluationData.readTexts(data("cranfield/cran.all.1400"));
        Map<String, Map<String, Double>> qrels = EvaluationData.readQrels(data("cranfield/cranqrel"));
        assertEquals(225, queries.size());
        assertEquals(1400, corpus.size());
        Map<String, Set<String>> relevant = qrels.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                q -> q.getValue().entrySet().stream().filter(d -> d.getValue() > 0).map(Map.Entry::getKey)
                        .collect(Collectors.toSet())));
        try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            InformationRetrievalEvaluator ir = InformationRetrievalEvaluator.builder(queries, corpus, relevant)
                    .name("cranfield").build();
            Map<String, Double> m = model.evaluate(ir);
            System.out.println("Cranfield (" + ir.queryCount() + " queries): " + m);
            assertEquals(225, ir.queryCount());
            double ndcg = m.get("cranfield_cosine_ndcg@10");
            assertTrue(ndcg > 0.2 && ndcg < 0.8, "NDCG@10 " + ndcg);
            assertTrue(m.get("cranfield_cosine_recall@10") >= m.get("cranfield_cosine_recall@1"));

            List<String> docs = new ArrayList<>(corpus.values());
            FloatMatrix docEmb = model.encode(docs, EncodeOptions.builder().normalizeEmbeddings(true).build());
            FloatMatrix queryEmb = model.encode(new ArrayList<>(queries.values()),
                    EncodeOptions.builder().normalizeEmbeddings(true).build());
            List<List<SemanticSearch.Hit>> exact = SemanticSearch.semanticSearch(queryEmb, docEmb);
            for (Precision p : List.of(Precision.UBINARY, Precision.INT8)) {
                for (int multiplier : new int[] {1, 2, 4}) {
                    List<List<SemanticSearch.Hit>> approx = SemanticSearch.semanticSearch(queryEmb,
                            Quantization.quantize(docEmb, p), SearchOptions.builder().calibration(docEmb)
                                    .rescore(multiplier > 1).rescoreMultiplier(multiplier).build());
                    double overlap = overlap(exact, approx);
                    System.out.printf(Locale.ROOT, "Cranfield %s x%d: mean top-10 overlap with float %.3f, "
                            + "queries with 8+ of 10 recovered %.3f%n", p.pythonName(), multiplier, overlap,
                            mostlyRecovered(exact, approx, 8));
                    if (multiplier == 4) {
                        assertTrue(overlap > 0.7, p + " overlap " + overlap);
                    }
                }
            }
        }
    }

    static double mostlyRecovered(List<List<SemanticSearch.Hit>> a, List<List<SemanticSearch.Hit>> b, int atLeast) {
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            Set<Integer> ids = a.get(i).stream().map(SemanticSearch.Hit::corpusId).collect(Collectors.toSet());
            if (b.get(i).stream().filter(h -> ids.contains(h.corpusId())).count() >= atLeast) {
                n++;
            }
        }
        return n / (double) a.size();
    }

    static double overlap(List<List<SemanticSearch.Hit>> a, List<List<SemanticSearch.Hit>> b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            Set<Integer> ids = a.get(i).stream().map(SemanticSearch.Hit::corpusId).collect(Collectors.toSet());
            sum += b.get(i).stream().filter(h -> ids.contains(h.corpusId())).count() / (double) a.get(i).size();
        }
        return sum / a.size();
    }
}
