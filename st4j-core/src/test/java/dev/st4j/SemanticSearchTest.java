package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Top-k search and paraphrase mining on vectors whose cosine similarities are known by construction. */
class SemanticSearchTest {
    // Unit vectors at angles 0, 10, 30, 60, 90 degrees: cosine to the first is cos(angle).
    static FloatMatrix angles(double... degrees) {
        float[][] rows = new float[degrees.length][];
        for (int i = 0; i < degrees.length; i++) {
            double r = Math.toRadians(degrees[i]);
            rows[i] = new float[] {(float) Math.cos(r), (float) Math.sin(r)};
        }
        return FloatMatrix.of(rows);
    }

    @Test
    void bestMatchesComeFirstWithTheirCosines() {
        FloatMatrix corpus = angles(90, 30, 0, 60, 10);
        List<List<SemanticSearch.Hit>> hits = SemanticSearch.search(angles(0, 90), corpus, 3);
        assertEquals(List.of(2, 4, 1), hits.get(0).stream().map(SemanticSearch.Hit::corpusId).toList());
        assertEquals((float) Math.cos(Math.toRadians(10)), hits.get(0).get(1).score(), 1e-6f);
        assertEquals(List.of(0, 3, 1), hits.get(1).stream().map(SemanticSearch.Hit::corpusId).toList());
    }

    @Test
    void topKLargerThanTheCorpusReturnsEveryRow() {
        assertEquals(5, SemanticSearch.search(angles(0), angles(90, 30, 0, 60, 10), 50).get(0).size());
    }

    @Test
    void paraphrasePairsAreDeduplicatedAndSortedByScore() {
        FloatMatrix e = angles(0, 5, 90, 100);
        List<SemanticSearch.Pair> pairs = SemanticSearch.paraphrases(e, 1, 10);
        // Nearest neighbours: 0<->1 (5 degrees) and 2<->3 (10 degrees); each pair once, smaller index first.
        assertEquals(2, pairs.size());
        assertEquals(new SemanticSearch.Pair((float) Math.cos(Math.toRadians(5)), 0, 1), pairs.get(0));
        assertEquals(2, pairs.get(1).first());
        assertEquals(3, pairs.get(1).second());
    }
}
