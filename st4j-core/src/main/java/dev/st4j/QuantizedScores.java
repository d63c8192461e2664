package dev.st4j;

/** Scores against quantized rows: Hamming distance on packed bits, integer dot products on bytes. */
final class QuantizedScores {
    private QuantizedScores() {}

    /**
     * Row {@code row} of the packed {@code corpus} bytes ({@code query.length} per row) against the query; larger is
     * better: minus the Hamming distance for binary/ubinary, the integer dot product for int8/uint8.
     */
    static float score(byte[] query, Precision p, byte[] corpus, int row) {
        int w = query.length;
        int o = row * w;
        if (p == Precision.BINARY || p == Precision.UBINARY) {
            int distance = 0;
            for (int k = 0; k < w; k++) {
                distance += Integer.bitCount((query[k] ^ corpus[o + k]) & 0xff); // binary's -128 offset cancels
            }
            return -distance;
        }
        long dot = 0;
        for (int k = 0; k < w; k++) {
            dot += p.signed() ? (long) query[k] * corpus[o + k] : (long) (query[k] & 0xff) * (corpus[o + k] & 0xff);
        }
        return dot;
    }

    /** The float query's dot product with a corpus row's values: bits as 0/1 (MSB first), bytes as integers. */
    static double floatDot(float[] query, QuantizedEmbeddings corpus, int row, int dim) {
        byte[] c = corpus.row(row);
        Precision p = corpus.precision();
        double dot = 0;
        if (p == Precision.BINARY || p == Precision.UBINARY) {
            for (int k = 0; k < dim && (k >> 3) < c.length; k++) {
                int bits = p == Precision.BINARY ? c[k >> 3] + 128 : c[k >> 3] & 0xff;
                if ((bits >> (7 - (k & 7)) & 1) != 0) {
                    dot += query[k];
                }
            }
            return dot;
        }
        for (int k = 0; k < dim && k < c.length; k++) {
            dot += (double) query[k] * (p.signed() ? c[k] : c[k] & 0xff);
        }
        return dot;
    }
}
