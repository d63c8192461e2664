package dev.st4j;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per-row top-k of {@code scoreFunction(queries, corpus[from, to))} without materialising the whole score matrix:
 * the rows are cut into blocks of queries and tiles of corpus rows that are scored on all cores, and each block
 * keeps only its own top-k. The result does not depend on the block sizes (ties are broken by id, not by order).
 */
final class BlockScorer {
    /** Queries per block: each corpus row is read once per block of queries. */
    private static final int QUERIES_PER_BLOCK = 32;
    /** Bytes of corpus per tile: small enough to stay in a core's L2 cache while the block's queries pass over it. */
    private static final int TILE_BYTES = 256 * 1024;

    private BlockScorer() {}

    /**
     * For each row of {@code queries}, the {@code k} best corpus rows in {@code [from, to)}, with ids counted from 0
     * of the whole corpus.
     */
    static TopK[] topK(FloatMatrix queries, FloatMatrix corpus, int from, int to, int k, ScoreFunction f,
            boolean preferLowerId) {
        int nq = queries.rows();
        int qBlock = Math.max(1, Math.min(nq, QUERIES_PER_BLOCK));
        int tile = Math.max(16, TILE_BYTES / (4 * Math.max(1, corpus.cols())));
        List<int[]> blocks = new ArrayList<>();
        for (int q0 = 0; q0 < nq; q0 += qBlock) {
            for (int c0 = from; c0 < to; c0 += tile) {
                blocks.add(new int[] {q0, Math.min(nq, q0 + qBlock), c0, Math.min(to, c0 + tile)});
            }
        }
        List<TopK[]> partial = IntStream.range(0, blocks.size()).parallel().mapToObj(b -> {
            int[] r = blocks.get(b);
            FloatMatrix scores = f.scores(rows(queries, r[0], r[1]), rows(corpus, r[2], r[3]));
            if (scores == null || scores.rows() != r[1] - r[0] || scores.cols() != r[3] - r[2]) {
                throw new IllegalArgumentException("the score function returned "
                        + (scores == null ? "null" : "[" + scores.rows() + ", " + scores.cols() + "]")
                        + " for " + (r[1] - r[0]) + " queries and " + (r[3] - r[2]) + " corpus rows");
            }
            float[] s = scores.data();
            int width = scores.cols();
            TopK[] tops = new TopK[r[1] - r[0]];
            for (int i = 0; i < tops.length; i++) {
                TopK top = new TopK(k, preferLowerId);
                for (int j = 0; j < width; j++) {
                    top.offer(s[i * width + j], r[2] + j);
                }
                tops[i] = top;
            }
            return tops;
        }).toList();
        TopK[] out = new TopK[nq];
        for (int b = 0; b < blocks.size(); b++) {
            int q0 = blocks.get(b)[0];
            TopK[] tops = partial.get(b);
            for (int i = 0; i < tops.length; i++) {
                if (out[q0 + i] == null) {
                    out[q0 + i] = tops[i];
                } else {
                    out[q0 + i].addAll(tops[i]);
                }
            }
        }
        for (int i = 0; i < nq; i++) {
            if (out[i] == null) {
                out[i] = new TopK(k, preferLowerId);
            }
        }
        return out;
    }

    /** Rows {@code [from, to)} of {@code m}, shared when they are all of it. */
    static FloatMatrix rows(FloatMatrix m, int from, int to) {
        if (from == 0 && to == m.rows()) {
            return m;
        }
        return FloatMatrix.wrap(to - from, m.cols(),
                java.util.Arrays.copyOfRange(m.data(), from * m.cols(), to * m.cols()));
    }
}
