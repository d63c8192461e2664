package dev.st4j;

/**
 * sentence-transformers' {@code quantize_embeddings} (v5.7+ formulas): int8/uint8 scale each dimension between a
 * minimum and a maximum (from calibration embeddings, or from the embeddings themselves); binary/ubinary keep the
 * sign bit.
 */
public final class Quantization {
    private Quantization() {}

    /** Quantizes with ranges taken from the embeddings themselves. */
    public static QuantizedEmbeddings quantize(FloatMatrix embeddings, Precision precision) {
        return quantize(embeddings, precision, embeddings);
    }

    /** Quantizes int8/uint8 with per-dimension ranges taken from {@code calibration} (ignored for binary). */
    public static QuantizedEmbeddings quantize(FloatMatrix embeddings, Precision precision, FloatMatrix calibration) {
        if (embeddings == null || precision == null || calibration == null) {
            throw new IllegalArgumentException("embeddings, precision and calibration must not be null");
        }
        int d = embeddings.cols();
        float[] min = new float[d];
        float[] max = new float[d];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        if (precision == Precision.INT8 || precision == Precision.UINT8) {
            if (calibration.cols() != d) {
                throw new IllegalArgumentException("calibration embeddings have " + calibration.cols()
                        + " dimensions, the embeddings " + d);
            }
            float[] c = calibration.data();
            for (int r = 0; r < calibration.rows(); r++) {
                for (int k = 0; k < d; k++) {
                    min[k] = Math.min(min[k], c[r * d + k]);
                    max[k] = Math.max(max[k], c[r * d + k]);
                }
            }
        }
        return quantize(embeddings, precision, min, max);
    }

    /** Quantizes int8/uint8 with explicit per-dimension ranges ({@code min[k]}, {@code max[k]}). */
    public static QuantizedEmbeddings quantize(FloatMatrix embeddings, Precision precision, float[] min, float[] max) {
        int n = embeddings.rows();
        int d = embeddings.cols();
        float[] x = embeddings.data();
        switch (precision) {
            case FLOAT32 -> throw new IllegalArgumentException("float32 needs no quantization; use the FloatMatrix");
            case INT8, UINT8 -> {
                if (min.length != d || max.length != d) {
                    throw new IllegalArgumentException("ranges need " + d + " values each");
                }
                byte[] out = new byte[n * d];
                for (int k = 0; k < d; k++) {
                    float step = (max[k] - min[k]) / 255f;
                    if (step == 0) {
                        step = 1; // a constant dimension: sentence-transformers divides by 1 instead of 0
                    }
                    for (int r = 0; r < n; r++) {
                        double q = Math.floor((x[r * d + k] - min[k]) / step);
                        int v = (int) Math.max(0, Math.min(255, q));
                        out[r * d + k] = (byte) (precision == Precision.INT8 ? v - 128 : v);
                    }
                }
                return new QuantizedEmbeddings(precision, n, d, out);
            }
            case BINARY, UBINARY -> {
                int width = (d + 7) / 8;
                byte[] out = new byte[n * width];
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < width; j++) {
                        int packed = 0;
                        for (int bit = 0; bit < 8; bit++) {
                            int k = j * 8 + bit;
                            if (k < d && x[r * d + k] > 0) {
                                packed |= 0x80 >>> bit;
                            }
                        }
                        out[r * width + j] = (byte) (precision == Precision.BINARY ? packed - 128 : packed);
                    }
                }
                return new QuantizedEmbeddings(precision, n, width, out);
            }
            default -> throw new AssertionError(precision);
        }
    }
}
