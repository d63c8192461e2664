package dev.st4j.engine.mpnet;

import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.ScoreBias;

/**
 * MPNet's relative-position attention bias: the score of query {@code i} against key {@code j} gains
 * {@code table[bucket(j - i), head]}, where buckets are exact for distances under 8 and logarithmic up to 128, with
 * separate halves for keys before and after the query. Positions are the plain indices 0..len-1 (padding never
 * enters them), so the bias of a distance is the same in every sequence and every layer.
 */
final class RelativePositionBias {
    /** transformers computes buckets for 32, whatever {@code relative_attention_num_buckets} says. */
    static final int BUCKETS = 32;
    static final int MAX_DISTANCE = 128;

    private RelativePositionBias() {}

    /**
     * The bucket of {@code relative = key - query}, with transformers' float32 arithmetic for the logarithmic
     * buckets (the truncation to an integer makes the rounding matter at the bucket edges).
     */
    static int bucket(int relative) {
        int half = BUCKETS / 2;
        int n = -relative;
        int bucket = n < 0 ? half : 0;
        n = Math.abs(n);
        int maxExact = half / 2;
        if (n < maxExact) {
            return bucket + n;
        }
        float log = (float) Math.log((float) n / maxExact);
        float scaled = log / (float) Math.log((double) MAX_DISTANCE / maxExact) * (half - maxExact);
        return bucket + Math.min(maxExact + (int) scaled, half - 1);
    }

    /**
     * One score bias per head for sequences of up to {@code maxLength} tokens: head {@code h}'s bias for every
     * distance {@code -(maxLength-1)..maxLength-1} laid out in a row, so a query's terms are one contiguous slice.
     *
     * @param table {@code [buckets, heads]}, row-major, as {@code encoder.relative_attention_bias.weight}
     */
    static ScoreBias[] perHead(float[] table, int heads, int maxLength, Kernels kernels) {
        int center = maxLength - 1;
        ScoreBias[] biases = new ScoreBias[heads];
        for (int h = 0; h < heads; h++) {
            float[] byDistance = new float[2 * maxLength - 1];
            for (int d = -center; d <= center; d++) {
                byDistance[center + d] = table[bucket(d) * heads + h];
            }
            // Key j of query i sits at distance j - i, i.e. at center - i + j.
            biases[h] = (query, scores, off, len) -> kernels.axpy(1f, byDistance, center - query, scores, off, len);
        }
        return biases;
    }
}
