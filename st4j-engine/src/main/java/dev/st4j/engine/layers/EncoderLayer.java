package dev.st4j.engine.layers;

import dev.st4j.engine.kernels.WeightMatrix;
import dev.st4j.engine.checkpoint.Checkpoint;

/**
 * One post-LN encoder block's weights. Matrices are {@code [out, in]}, as PyTorch's Linear stores them; query, key
 * and value are stacked into one {@code [3 * hidden, hidden]} matrix, since they read the same input.
 */
public record EncoderLayer(
        WeightMatrix qkv, float[] qkvBias,
        WeightMatrix attnOut, float[] attnOutBias, float[] attnGamma, float[] attnBeta,
        WeightMatrix up, float[] upBias,
        WeightMatrix down, float[] downBias, float[] outGamma, float[] outBeta) {

    /**
     * The module paths inside one layer, each without its {@code .weight} / {@code .bias}: what differs between
     * BERT's, DistilBERT's and MPNet's checkpoints.
     */
    public record Names(String query, String key, String value, String attnOut, String attnNorm, String up,
            String down, String outNorm) {}

    /** Loads the layer whose modules sit under {@code prefix} (e.g. {@code "encoder.layer.3."}). */
    public static EncoderLayer load(Checkpoint w, String prefix, Names n, int hidden, int intermediate) {
        String p = prefix;
        return new EncoderLayer(
                WeightMatrix.stack(w.matrix(p + n.query + ".weight", hidden, hidden),
                        w.matrix(p + n.key + ".weight", hidden, hidden),
                        w.matrix(p + n.value + ".weight", hidden, hidden)),
                concat(w.vector(p + n.query + ".bias", hidden), w.vector(p + n.key + ".bias", hidden),
                        w.vector(p + n.value + ".bias", hidden)),
                w.matrix(p + n.attnOut + ".weight", hidden, hidden),
                w.vector(p + n.attnOut + ".bias", hidden),
                w.vector(p + n.attnNorm + ".weight", hidden),
                w.vector(p + n.attnNorm + ".bias", hidden),
                w.matrix(p + n.up + ".weight", intermediate, hidden),
                w.vector(p + n.up + ".bias", intermediate),
                w.matrix(p + n.down + ".weight", hidden, intermediate),
                w.vector(p + n.down + ".bias", hidden),
                w.vector(p + n.outNorm + ".weight", hidden),
                w.vector(p + n.outNorm + ".bias", hidden));
    }

    private static float[] concat(float[]... parts) {
        int size = 0;
        for (float[] p : parts) {
            size += p.length;
        }
        float[] out = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
