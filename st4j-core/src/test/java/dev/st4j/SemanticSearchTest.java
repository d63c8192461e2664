package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Search, mining and clustering on vectors whose similarities are known by construction. */
class SemanticSearchTest {
    // Unit vectors at the given angles in degrees: the cosine between two is cos(difference).
    static FloatMatrix angles(double... degrees) {
        float[][] rows = new float[degrees.length][];
        for (int i = 0; i < degrees.length; i++) {
            double r = Math.toRadians(degrees[i]);
            rows[i] = new float[] {(float) Math.cos(r), (float) Math.sin(r)};
        }
        return FloatMatrix.of(rows);
    }

    static List<Integer> ids(List<SemanticSearch.Hit> hits) {
        return hits.stream().map(SemanticSearch.Hit::corpusId).toList();
    }

    static FloatMatrix random(Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return FloatMatrix.of(rows, cols, v);
    }

    @Test
    void bestMatchesComeFirstWithTheirCosines() {
        FloatMatrix corpus = angles(90, 30, 0, 60, 10);
        List<List<SemanticSearch.Hit>> hits = SemanticSearch.search(angles(0, 90), corpus, 3);
        assertEquals(List.of(2, 4, 1), ids(hits.get(0)));
        assertEquals((float) Math.cos(Math.toRadians(10)), hits.get(0).get(1).score(), 1e-6f);
        assertEquals(List.of(0, 3, 1), ids(hits.get(1)));
    }

    @Test
    void chunkedSearchEqualsBruteForceTopKOverTheFullMatrix() {
        Random rnd = new Random(42);
        FloatMatrix queries = random(rnd, 23, 16);
        FloatMatrix corpus = random(rnd, 301, 16);
        for (ScoreFunction f : List.<ScoreFunction>of(SimilarityFunction.COSINE, SimilarityFunction.DOT,
                SimilarityFunction.MANHATTAN)) {
            FloatMatrix full = ((SimilarityFunction) f).similarity(queries, corpus);
            SearchOptions options = SearchOptions.builder().topK(10).queryChunkSize(5).corpusChunkSize(17)
                    .scoreFunction(f).build();
            List<List<SemanticSearch.Hit>> hits = SemanticSearch.semanticSearch(queries, corpus, options);
            assertEquals(23, hits.size());
            for (int q = 0; q < 23; q++) {
                final int row = q;
                List<Integer> expected = new ArrayList<>();
                for (int j = 0; j < corpus.rows(); j++) {
                    expected.add(j);
                }
                expected.sort(Comparator.comparingDouble((Integer j) -> full.get(row, j)).reversed());
                assertEquals(expected.subList(0, 10), ids(hits.get(q)), f + " query " + q);
                for (SemanticSearch.Hit h : hits.get(q)) {
                    assertEquals(full.get(q, h.corpusId()), h.score(), 1e-5f);
                }
            }
        }
    }

    @Test
    void pythonDefaultsAreTopTenAndCosine() {
        FloatMatrix corpus = angles(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        List<SemanticSearch.Hit> hits = SemanticSearch.semanticSearch(angles(0), corpus).get(0);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ids(hits));
        assertEquals(1f, hits.get(0).score(), 1e-6f);
    }

    @Test
    void aUserScoreFunctionRanksTheCorpus() {
        // Negative first coordinate: the most "similar" is the row with the smallest x.
        ScoreFunction smallestX = (q, c) -> {
            float[] out = new float[q.rows() * c.rows()];
            for (int i = 0; i < q.rows(); i++) {
                for (int j = 0; j < c.rows(); j++) {
                    out[i * c.rows() + j] = -c.get(j, 0);
                }
            }
            return FloatMatrix.of(q.rows(), c.rows(), out);
        };
        FloatMatrix corpus = FloatMatrix.of(new float[][] {{3, 0}, {-1, 0}, {2, 0}, {0, 0}});
        List<SemanticSearch.Hit> hits = SemanticSearch.semanticSearch(FloatMatrix.of(new float[][] {{1, 1}}),
                corpus, SearchOptions.builder().topK(3).scoreFunction(smallestX).build()).get(0);
        assertEquals(List.of(1, 3, 2), ids(hits));
        assertEquals(1f, hits.get(0).score());
    }

    @Test
    void tiesComeOutInTheOrderPythonsHeapLeavesThem() {
        // Expected orders computed with Python's heapq/sorted on the same tie pattern, one candidate per chunk.
        double[] pattern = {60, 25.8, 60, 25.8, 60, 25.8, 45.6, 60, 25.8}; // angles: cos 0.5 ~ 60, 0.9 ~ 25.8
        FloatMatrix corpus = angles(pattern);
        SearchOptions one = SearchOptions.builder().corpusChunkSize(1).build();
        assertEquals(List.of(1, 3, 5, 8), ids(SemanticSearch.semanticSearch(angles(0), corpus,
                one.toBuilder().topK(4).build()).get(0)));
        assertEquals(List.of(1, 3, 8, 5, 6, 7), ids(SemanticSearch.semanticSearch(angles(0), corpus,
                one.toBuilder().topK(6).build()).get(0)));
        FloatMatrix same = angles(60, 60, 60, 60, 60, 60, 60);
        assertEquals(List.of(2, 3, 6, 5, 4), ids(SemanticSearch.semanticSearch(angles(0), same,
                one.toBuilder().topK(5).build()).get(0)));
        // Which tied rows are kept does not depend on the chunking: the larger ids, as Python's heap keeps them.
        assertEquals(List.of(2, 3, 4, 5, 6), ids(SemanticSearch.semanticSearch(angles(0), same,
                SearchOptions.builder().topK(5).build()).get(0)).stream().sorted().toList());
    }

    @Test
    void badArgumentsNameTheArgumentAndNoQueriesGiveNoResults() {
        FloatMatrix corpus = angles(0, 10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchOptions.builder().topK(0).build())
                .getMessage().contains("topK"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SemanticSearch.semanticSearch(angles(0), FloatMatrix.of(new float[0][]))).getMessage()
                .contains("corpus must not be empty"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SemanticSearch.semanticSearch(FloatMatrix.of(new float[][] {{1, 2, 3}}), corpus)).getMessage()
                .contains("3 dimensions"));
        assertEquals(List.of(), SemanticSearch.semanticSearch(FloatMatrix.of(0, 2, new float[0]), corpus));
        assertEquals(2, SemanticSearch.search(angles(0), corpus, 50).get(0).size());
    }

    @Test
    void ubinarySearchRanksByHammingDistanceAndRescoresWithTheFloatQuery() {
        // Signs: query + + + + - - - -; rows differ from it in 0, 1, 2 and 3 signs.
        FloatMatrix corpus = FloatMatrix.of(new float[][] {
            {1, 1, 1, -1, -1, -1, -1, -1}, // 1 bit off
            {1, 1, 1, 1, -1, -1, -1, -1}, // identical signs
            {-1, -1, 1, 1, -1, -1, -1, -1}, // 2 bits off
            {-1, -1, -1, 1, -1, -1, -1, -1}}); // 3 bits off
        FloatMatrix query = FloatMatrix.of(new float[][] {{0.9f, 0.8f, 0.1f, 0.7f, -1, -1, -1, -1}});
        QuantizedEmbeddings ub = Quantization.quantize(corpus, Precision.UBINARY);
        List<SemanticSearch.Hit> raw = SemanticSearch.semanticSearch(query, ub,
                SearchOptions.builder().topK(3).rescore(false).build()).get(0);
        assertEquals(List.of(1, 0, 2), ids(raw));
        assertEquals(List.of(0f, -1f, -2f), raw.stream().map(SemanticSearch.Hit::score).toList());
        // Rescoring: query . bits. Row 1 = 0.9+0.8+0.1+0.7 = 2.5, row 0 = 1.8, row 2 = 0.8, row 3 = 0.7.
        List<SemanticSearch.Hit> rescored = SemanticSearch.semanticSearch(query, ub,
                SearchOptions.builder().topK(2).build()).get(0);
        assertEquals(List.of(1, 0), ids(rescored));
        assertEquals(2.5f, rescored.get(0).score(), 1e-6f);
        assertEquals(1.8f, rescored.get(1).score(), 1e-6f);
        // The same through binary (int8-stored bits).
        assertEquals(List.of(1, 0), ids(SemanticSearch.semanticSearch(query,
                Quantization.quantize(corpus, Precision.BINARY), SearchOptions.builder().topK(2).build()).get(0)));
    }

    @Test
    void int8SearchUsesTheCalibrationRangesForTheQueries() {
        Random rnd = new Random(7);
        FloatMatrix corpus = random(rnd, 200, 32);
        FloatMatrix queries = random(rnd, 10, 32);
        QuantizedEmbeddings q8 = Quantization.quantize(corpus, Precision.INT8);
        List<List<SemanticSearch.Hit>> exact = SemanticSearch.semanticSearch(queries, corpus,
                SearchOptions.builder().topK(5).scoreFunction(SimilarityFunction.DOT).build());
        List<List<SemanticSearch.Hit>> approx = SemanticSearch.semanticSearch(queries, q8,
                SearchOptions.builder().topK(5).rescoreMultiplier(4).calibration(corpus).build());
        int overlap = 0;
        for (int i = 0; i < 10; i++) {
            List<Integer> e = ids(exact.get(i));
            overlap += (int) ids(approx.get(i)).stream().filter(e::contains).count();
        }
        assertTrue(overlap >= 35, "int8 top-5 shares " + overlap + " of 50 with the float top-5");
    }

    @Test
    void paraphraseMiningMatchesPythonsQueueIncludingTheCap() {
        // Angles with distinct differences; expected pairs from Python's algorithm run on the same vectors.
        FloatMatrix e = angles(0, 11, 27, 46, 72, 100);
        List<int[]> all = List.of(new int[] {0, 1}, new int[] {1, 2}, new int[] {2, 3}, new int[] {3, 4},
                new int[] {0, 2}, new int[] {4, 5}, new int[] {3, 5});
        assertPairs(all, mine(e, 100));
        assertPairs(all.subList(0, 3), mine(e, 6)); // 6 - 1 directed pairs kept: 3 unordered
        assertPairs(all.subList(0, 2), mine(e, 5));
        assertPairs(all.subList(0, 1), mine(e, 3));
        assertPairs(List.of(), mine(e, 1)); // the first push is popped at once
        List<SemanticSearch.Pair> pairs = mine(e, 100);
        assertEquals((float) Math.cos(Math.toRadians(11)), pairs.get(0).score(), 1e-6f);
        // Query chunks do not change the answer; corpus chunks do, as in Python: each chunk offers its own top-k,
        // so the lone row 5 of the second chunk is offered to every row (Python's answer for chunks of 4 and 5).
        assertEquals(pairs, SemanticSearch.paraphraseMiningEmbeddings(e, MiningOptions.builder().topK(2)
                .queryChunkSize(4).build()));
        List<int[]> chunked = new ArrayList<>(all.subList(0, 6));
        chunked.addAll(List.of(new int[] {2, 4}, new int[] {3, 5}, new int[] {2, 5}, new int[] {1, 5},
                new int[] {0, 5}));
        assertPairs(chunked, SemanticSearch.paraphraseMiningEmbeddings(e, MiningOptions.builder().topK(2)
                .queryChunkSize(4).corpusChunkSize(5).build()));
    }

    @Test
    void duplicatesAreOnePairEach() {
        FloatMatrix e = angles(0, 0, 90);
        List<SemanticSearch.Pair> pairs = SemanticSearch.paraphraseMiningEmbeddings(e);
        assertEquals(new SemanticSearch.Pair(1f, 0, 1), pairs.get(0));
        assertEquals(3, pairs.size());
    }

    private static List<SemanticSearch.Pair> mine(FloatMatrix e, int maxPairs) {
        return SemanticSearch.paraphraseMiningEmbeddings(e, MiningOptions.builder().topK(2).maxPairs(maxPairs).build());
    }

    private static void assertPairs(List<int[]> expected, List<SemanticSearch.Pair> actual) {
        assertEquals(expected.stream().map(p -> p[0] + "-" + p[1]).toList(),
                actual.stream().map(p -> p.first() + "-" + p.second()).toList());
    }

    // 16-dimensional +-1 vectors: after normalization each component is +-0.25, so cosines are exact multiples of
    // 1/16 and a threshold can sit exactly on a score.
    static float[] signs(int flipped, int offset) {
        float[] v = new float[16];
        java.util.Arrays.fill(v, 1f);
        for (int k = 0; k < flipped; k++) {
            v[(offset + k) % 16] = -1f;
        }
        return v;
    }

    @Test
    void communitiesIncludeScoresExactlyAtTheThresholdAndLeadWithTheCentralPoint() {
        // Rows 0-3 around "no flips"; row 4 has 2 flips from row 0: cosine (16 - 4) / 16 = 0.75 exactly.
        FloatMatrix e = FloatMatrix.of(new float[][] {signs(0, 0), signs(0, 0), signs(1, 0), signs(1, 1),
            signs(2, 0), signs(8, 4), signs(8, 4), signs(9, 4)});
        List<List<Integer>> c = SemanticSearch.communityDetection(e, 0.75f, 3, 1024);
        // Row 0: rows 0,1 (1.0), 2,3 (14/16), 4 (12/16). Rows 5,6,7 form the second group.
        assertEquals(List.of(List.of(0, 1, 2, 3, 4), List.of(5, 6, 7)), c);
        // Just above the boundary, row 4 is out of row 0's community; it then belongs to row 2's (cos 14/16).
        List<List<Integer>> tighter = SemanticSearch.communityDetection(e, 0.76f, 3, 2);
        assertEquals(List.of(0, 1, 2, 3), tighter.get(0));
        assertEquals(List.of(5, 6, 7), tighter.get(1));
    }

    @Test
    void overlappingCommunitiesKeepTheLargerAndDropWhatFallsBelowTheMinimum() {
        // A chain: 0 ~ 1 ~ 2 ~ 3 with neighbours at cos 14/16 and two apart at 12/16; threshold 0.8 links neighbours.
        FloatMatrix e = FloatMatrix.of(new float[][] {signs(0, 0), signs(1, 0), signs(2, 0), signs(3, 0),
            signs(8, 8)});
        assertEquals(List.of(List.of(1, 0, 2)), SemanticSearch.communityDetection(e, 0.8f, 3, 1024));
        assertEquals(List.of(), SemanticSearch.communityDetection(e, 0.99f, 2, 1024));
        // min size larger than the corpus becomes the corpus size: everything at threshold -1 is one community.
        assertEquals(List.of(List.of(0, 1, 2, 3, 4)), SemanticSearch.communityDetection(e, -1f, 50, 1024));
    }
}
