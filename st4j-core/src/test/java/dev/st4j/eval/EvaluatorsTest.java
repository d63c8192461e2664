package dev.st4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.ScoreFunction;
import dev.st4j.SimilarityFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluators' metrics on hand-made embeddings, against scipy and hand-computed values. */
class EvaluatorsTest {
    @TempDir
    Path dir;

    /** An "encoder" that looks texts up in a table. */
    static Function<List<String>, FloatMatrix> table(Map<String, float[]> vectors) {
        return texts -> FloatMatrix.of(texts.stream().map(vectors::get).toArray(float[][]::new));
    }

    static float[] angle(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
    }

    @Test
    void stsMetricsMatchScipyAndUsePythonsKeys() throws IOException {
        float[][] a = {{1, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0.5f}, {0.3f, 1}};
        float[][] b = {{1, 0.1f}, {0, 1}, {0, 1}, {1, -1}, {1, 0.4f}, {1, 0.2f}};
        Map<String, float[]> vectors = new LinkedHashMap<>();
        List<String> s1 = new ArrayList<>();
        List<String> s2 = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            vectors.put("a" + i, a[i]);
            vectors.put("b" + i, b[i]);
            s1.add("a" + i);
            s2.add("b" + i);
        }
        double[] gold = {4.8, 1.0, 5.0, 0.5, 4.0, 2.0};
        EmbeddingSimilarityEvaluator e = EmbeddingSimilarityEvaluator.builder(s1, s2, gold).name("sts-dev")
                .similarityFunctions(List.of(SimilarityFunction.COSINE, SimilarityFunction.MANHATTAN)).build();
        Map<String, Double> m = e.evaluate(table(vectors), SimilarityFunction.DOT, dir);
        // scipy.stats.pearsonr / spearmanr on the same vectors (cosine ties at 0, Manhattan ties at -2).
        assertEquals(0.9761489956493042, m.get("sts-dev_pearson_cosine"), 1e-6);
        assertEquals(0.9856107606091623, m.get("sts-dev_spearman_cosine"), 1e-9);
        assertEquals(0.9591064912977508, m.get("sts-dev_pearson_manhattan"), 1e-6);
        assertEquals(0.9856107606091623, m.get("sts-dev_spearman_manhattan"), 1e-9);
        assertEquals(List.of("sts-dev_pearson_cosine", "sts-dev_spearman_cosine", "sts-dev_pearson_manhattan",
                "sts-dev_spearman_manhattan", "sts-dev_pearson_max", "sts-dev_spearman_max"), List.copyOf(m.keySet()));
        assertEquals("sts-dev_spearman_max", e.primaryMetric());
        List<String> csv = Files.readAllLines(dir.resolve("similarity_evaluation_sts-dev_results.csv"));
        assertEquals("epoch,steps,cosine_pearson,cosine_spearman,manhattan_pearson,manhattan_spearman", csv.get(0));
        assertTrue(csv.get(1).startsWith("-1,-1,0.976149"), csv.get(1));
        // One function, chosen by the model: its Spearman is primary, and no _max keys.
        EmbeddingSimilarityEvaluator one = EmbeddingSimilarityEvaluator.builder(s1, s2, gold).build();
        Map<String, Double> m1 = one.evaluate(table(vectors), SimilarityFunction.COSINE, null);
        assertEquals(List.of("pearson_cosine", "spearman_cosine"), List.copyOf(m1.keySet()));
        assertEquals("spearman_cosine", one.primaryMetric());
    }

    @Test
    void binaryPrecisionsScoreTheUnpackedSignBits() throws IOException {
        // As floats, pair 0 is nearly orthogonal (cos 0.02); as sign bits its two rows are identical (cos 1).
        float n = -0.01f;
        float[] a = {1, 1, 1, 1, n, n, n, n};
        Map<String, float[]> vectors = new LinkedHashMap<>();
        vectors.put("a", a);
        vectors.put("b0", new float[] {0.01f, 0.01f, 0.01f, 0.01f, -1, -1, -1, -1}); // bits 11110000
        vectors.put("b1", new float[] {1, 1, 1, -1, -1, -1, -1, -1}); // 11100000: cos 3 / sqrt(4 * 3)
        vectors.put("b2", new float[] {1, 1, -1, -1, -1, -1, -1, -1}); // 11000000: cos 2 / sqrt(4 * 2)
        vectors.put("b3", new float[] {-1, -1, -1, -1, 1, 1, 1, 1}); // 00001111: cos 0
        List<String> s1 = List.of("a", "a", "a", "a");
        List<String> s2 = List.of("b0", "b1", "b2", "b3");
        double[] gold = {4, 3, 2, 1};
        for (dev.st4j.Precision p : List.of(dev.st4j.Precision.UBINARY, dev.st4j.Precision.BINARY)) {
            EmbeddingSimilarityEvaluator e = EmbeddingSimilarityEvaluator.builder(s1, s2, gold).precision(p).build();
            Map<String, Double> m = e.evaluate(table(vectors), SimilarityFunction.COSINE, dir);
            assertEquals(1.0, m.get("spearman_cosine"), 1e-12, p.toString());
            assertEquals(0.9159189794451805, m.get("pearson_cosine"), 1e-6, p.toString()); // scipy on the bit cosines
            assertTrue(Files.isRegularFile(dir.resolve("similarity_evaluation_" + p.pythonName() + "_results.csv")));
        }
        EmbeddingSimilarityEvaluator floats = EmbeddingSimilarityEvaluator.builder(s1, s2, gold).build();
        assertTrue(floats.evaluate(table(vectors), SimilarityFunction.COSINE, null).get("spearman_cosine") < 1.0);
    }

    private static InformationRetrievalEvaluator.Builder cranfieldLike() {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("q1", "Q0");
        queries.put("q2", "Q90");
        queries.put("q3", "Q45"); // no judgements: skipped
        Map<String, String> corpus = new LinkedHashMap<>();
        for (int deg : new int[] {50, 10, 30, 70, 90}) {
            corpus.put("d" + (corpus.size() + 1), "D" + deg);
        }
        Map<String, Set<String>> rel = Map.of("q1", Set.of("d3", "d5"), "q2", Set.of("d4"));
        return InformationRetrievalEvaluator.builder(queries, corpus, rel);
    }

    private static Function<List<String>, FloatMatrix> angles() {
        return texts -> FloatMatrix.of(texts.stream().map(t -> angle(Double.parseDouble(t.substring(1))))
                .toArray(float[][]::new));
    }

    @Test
    void irMetricsMatchTheHandComputedRankings() throws IOException {
        // q1 (0 deg) ranks d2 d3 d1 d4 d5, relevant d3 d5; q2 (90 deg) ranks d5 d4 d1 d3 d2, relevant d4.
        InformationRetrievalEvaluator e = cranfieldLike().build();
        Map<String, Double> m = e.evaluate(angles(), angles(), SimilarityFunction.COSINE, dir);
        double log3 = Math.log(3) / Math.log(2);
        double log6 = Math.log(6) / Math.log(2);
        assertEquals(0.0, m.get("cosine_accuracy@1"));
        assertEquals(1.0, m.get("cosine_accuracy@3"));
        assertEquals(1.0 / 3, m.get("cosine_precision@3"), 1e-12);
        assertEquals(0.3, m.get("cosine_precision@5"), 1e-12);
        assertEquals(0.15, m.get("cosine_precision@10"), 1e-12);
        assertEquals(0.75, m.get("cosine_recall@3"), 1e-12);
        assertEquals(1.0, m.get("cosine_recall@5"), 1e-12);
        assertEquals(0.5, m.get("cosine_mrr@10"), 1e-12);
        double ndcg1 = (1 / log3 + 1 / log6) / (1 + 1 / log3);
        double ndcg2 = 1 / log3;
        assertEquals((ndcg1 + ndcg2) / 2, m.get("cosine_ndcg@10"), 1e-12);
        assertEquals((0.45 + 0.5) / 2, m.get("cosine_map@100"), 1e-12);
        assertEquals(List.of("cosine_accuracy@1", "cosine_accuracy@3", "cosine_accuracy@5", "cosine_accuracy@10",
                "cosine_precision@1", "cosine_precision@3", "cosine_precision@5", "cosine_precision@10",
                "cosine_recall@1", "cosine_recall@3", "cosine_recall@5", "cosine_recall@10", "cosine_ndcg@10",
                "cosine_mrr@10", "cosine_map@100"), List.copyOf(m.keySet()));
        assertEquals("cosine_ndcg@10", e.primaryMetric());
        assertEquals(2, e.queryCount());
        List<String> csv = Files.readAllLines(dir.resolve("Information-Retrieval_evaluation_results.csv"));
        assertTrue(csv.get(0).startsWith("epoch,steps,cosine-Accuracy@1,cosine-Accuracy@3,cosine-Accuracy@5,"
                + "cosine-Accuracy@10,cosine-Precision@1,cosine-Recall@1,cosine-Precision@3"), csv.get(0));
        assertTrue(csv.get(0).endsWith("cosine-MRR@10,cosine-NDCG@10,cosine-MAP@100"), csv.get(0));
        assertTrue(csv.get(1).startsWith("-1,-1,0.0,1.0,1.0,1.0,0.0,0.0,0.3333333333333333,0.75,"), csv.get(1));
    }

    @Test
    void gradedRelevanceWeighsNdcgAndTiesGoToTheSmallerCorpusIdWhateverTheChunks() throws IOException {
        InformationRetrievalEvaluator graded = InformationRetrievalEvaluator.gradedBuilder(
                Map.of("q1", "Q0"), corpus(),
                Map.of("q1", Map.of("d3", 2.0, "d5", 1.0, "d1", 0.0))).name("cran").build();
        Map<String, Double> m = graded.evaluate(angles(), angles(), SimilarityFunction.COSINE, null);
        double log3 = Math.log(3) / Math.log(2);
        double log6 = Math.log(6) / Math.log(2);
        assertEquals((2 / log3 + 1 / log6) / (2 + 1 / log3), m.get("cran_cosine_ndcg@10"), 1e-12);
        assertEquals(0.5, m.get("cran_cosine_recall@3"), 1e-12); // grade 0 is not relevant
        assertEquals("cran_cosine_ndcg@10", graded.primaryMetric());

        Map<String, String> tied = new LinkedHashMap<>();
        tied.put("b", "D10");
        tied.put("c", "D40");
        tied.put("a", "D10");
        for (int chunk : new int[] {1, 2, 50_000}) {
            InformationRetrievalEvaluator e = InformationRetrievalEvaluator.builder(Map.of("q", "Q0"), tied,
                    Map.of("q", Set.of("a"))).corpusChunkSize(chunk).build();
            Map<String, Double> r = e.evaluate(angles(), angles(), SimilarityFunction.COSINE, null);
            assertEquals(1.0, r.get("cosine_accuracy@1"), "chunk " + chunk);
        }
    }

    private static Map<String, String> corpus() {
        Map<String, String> corpus = new LinkedHashMap<>();
        for (int deg : new int[] {50, 10, 30, 70, 90}) {
            corpus.put("d" + (corpus.size() + 1), "D" + deg);
        }
        return corpus;
    }

    @Test
    void severalScoreFunctionsAndTheBestNdcgIsPrimary() throws IOException {
        Map<String, ScoreFunction> fns = new LinkedHashMap<>();
        fns.put("reversed", (q, c) -> {
            FloatMatrix s = SimilarityFunction.COSINE.similarity(q, c);
            float[] v = s.toRowMajorArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
            return FloatMatrix.of(s.rows(), s.cols(), v);
        });
        fns.put("cosine", SimilarityFunction.COSINE);
        InformationRetrievalEvaluator e = cranfieldLike().scoreFunctions(fns).build();
        Map<String, Double> m = e.evaluate(angles(), angles(), SimilarityFunction.DOT, null);
        assertTrue(m.containsKey("reversed_ndcg@10") && m.containsKey("cosine_ndcg@10"));
        assertEquals("reversed_accuracy@1", List.copyOf(m.keySet()).get(0)); // the caller's order
        // Reversed scores rank q1's d5 first and q2's d4 fourth: a higher NDCG than cosine's, so it is primary.
        double log3 = Math.log(3) / Math.log(2);
        double log5 = Math.log(5) / Math.log(2);
        assertEquals(((1 + 1 / log5) / (1 + 1 / log3) + 1 / log5) / 2, m.get("reversed_ndcg@10"), 1e-12);
        assertEquals("reversed_ndcg@10", e.primaryMetric());
    }

    @Test
    void malformedFilesNameTheFileAndLine() throws IOException {
        Path csv = dir.resolve("sts.csv");
        Files.writeString(csv, "sentence1,sentence2,score\n\"a, with comma\",b,4.5\nc,d\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvaluationData.readSts(csv));
        assertTrue(e.getMessage().startsWith(csv + ":3:"), e.getMessage());
        Files.writeString(csv, "\"a, with comma\",\"say \"\"hi\"\"\",4.5\nc,d,1\n");
        EvaluationData.StsPairs p = EvaluationData.readSts(csv);
        assertEquals(List.of("a, with comma", "c"), p.sentences1());
        assertEquals("say \"hi\"", p.sentences2().get(0));
        Path qrels = dir.resolve("qrels");
        Files.writeString(qrels, "query-id\tcorpus-id\tscore\n1 184 2\n1 29 x\n");
        e = assertThrows(IllegalArgumentException.class, () -> EvaluationData.readQrels(qrels));
        assertTrue(e.getMessage().startsWith(qrels + ":3:"), e.getMessage());
        Path smart = dir.resolve("cran.qry");
        Files.writeString(smart, ".I 001\n.W\nwhat similarity laws\nmust be obeyed .\n.I 004\n.W\nheat conduction .\n");
        assertEquals(Map.of("1", "what similarity laws must be obeyed .", "2", "heat conduction ."),
                EvaluationData.readTexts(smart));
    }
}
