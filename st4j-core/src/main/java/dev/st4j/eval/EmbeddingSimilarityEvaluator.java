package dev.st4j.eval;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.Quantization;
import dev.st4j.QuantizedEmbeddings;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Python's {@code EmbeddingSimilarityEvaluator}: encodes sentence pairs, scores each pair with the similarity
 * functions asked for, and reports the Pearson and Spearman correlation of those scores with the gold scores, as
 * {@code pearson_cosine}, {@code spearman_cosine}, ... plus {@code pearson_max}/{@code spearman_max} when several
 * functions run, every key prefixed with {@code name + "_"} when a name is set. The primary metric is the main
 * function's Spearman, else {@code spearman_max} for several functions, else the one function's Spearman.
 * With a precision, embeddings are normalized and quantized (each side over its own call, as {@code encode} does)
 * and binary ones unpacked to 0/1 bits before scoring.
 */
public final class EmbeddingSimilarityEvaluator implements Evaluator {
    private final List<String> sentences1;
    private final List<String> sentences2;
    private final double[] scores;
    private final int batchSize;
    private final SimilarityFunction mainSimilarity;
    private final List<SimilarityFunction> functions;
    private final String name;
    private final boolean writeCsv;
    private final Precision precision;
    private final Integer truncateDim;
    private volatile String primaryMetric;

    private EmbeddingSimilarityEvaluator(Builder b) {
        if (b.sentences1 == null || b.sentences2 == null || b.scores == null) {
            throw new IllegalArgumentException("sentences1, sentences2 and scores must be set");
        }
        if (b.sentences1.size() != b.sentences2.size() || b.sentences1.size() != b.scores.length) {
            throw new IllegalArgumentException("sentences1, sentences2 and scores must be equally long, got "
                    + b.sentences1.size() + ", " + b.sentences2.size() + " and " + b.scores.length);
        }
        if (b.sentences1.size() < 2) {
            throw new IllegalArgumentException("need at least 2 sentence pairs to correlate, got " + b.sentences1.size());
        }
        this.sentences1 = List.copyOf(b.sentences1);
        this.sentences2 = List.copyOf(b.sentences2);
        this.scores = b.scores.clone();
        this.batchSize = b.batchSize;
        this.mainSimilarity = b.mainSimilarity;
        List<SimilarityFunction> fns = new ArrayList<>(b.functions);
        if (fns.isEmpty() && mainSimilarity != null) {
            fns.add(mainSimilarity);
        }
        this.functions = List.copyOf(fns);
        this.name = b.name;
        this.writeCsv = b.writeCsv;
        this.precision = b.precision;
        this.truncateDim = b.truncateDim;
    }

    public static Builder builder(List<String> sentences1, List<String> sentences2, double[] scores) {
        return new Builder(sentences1, sentences2, scores);
    }

    /** The CSV file name Python uses: {@code similarity_evaluation[_name][_precision]_results.csv}. */
    public String csvFileName() {
        return "similarity_evaluation" + (name.isEmpty() ? "" : "_" + name)
                + (precision == null ? "" : "_" + precision.pythonName()) + "_results.csv";
    }

    @Override
    public String primaryMetric() {
        return primaryMetric;
    }

    @Override
    public Map<String, Double> evaluate(SentenceTransformer model, Path outputFolder) throws IOException {
        EncodeOptions options = EncodeOptions.builder().batchSize(batchSize).normalizeEmbeddings(precision != null)
                .truncateDim(truncateDim).build();
        return evaluate(texts -> model.encode(texts, options), model.getSimilarityFunction(), outputFolder);
    }

    /** The evaluation over any encoder (tests use hand-made embeddings). */
    Map<String, Double> evaluate(Function<List<String>, FloatMatrix> encode, SimilarityFunction modelFunction,
            Path outputFolder) throws IOException {
        List<SimilarityFunction> fns = functions.isEmpty() ? List.of(modelFunction) : functions;
        FloatMatrix e1 = asScored(encode.apply(sentences1));
        FloatMatrix e2 = asScored(encode.apply(sentences2));
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<Double> csvValues = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("epoch", "steps"));
        for (SimilarityFunction f : fns) {
            float[] predicted = f.pairwise(e1, e2);
            double[] p = new double[predicted.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = predicted[i];
            }
            double pearson = Correlation.pearson(scores, p);
            double spearman = Correlation.spearman(scores, p);
            metrics.put("pearson_" + f.pythonName(), pearson);
            metrics.put("spearman_" + f.pythonName(), spearman);
            header.add(f.pythonName() + "_pearson");
            header.add(f.pythonName() + "_spearman");
            csvValues.add(pearson);
            csvValues.add(spearman);
        }
        if (outputFolder != null && writeCsv) {
            ResultsCsv.append(outputFolder, csvFileName(), header, csvValues);
        }
        if (fns.size() > 1) {
            metrics.put("pearson_max", fns.stream().mapToDouble(f -> metrics.get("pearson_" + f.pythonName())).max()
                    .orElseThrow());
            metrics.put("spearman_max", fns.stream().mapToDouble(f -> metrics.get("spearman_" + f.pythonName()))
                    .max().orElseThrow());
        }
        String primary = mainSimilarity != null ? "spearman_" + mainSimilarity.pythonName()
                : fns.size() > 1 ? "spearman_max" : "spearman_" + fns.get(0).pythonName();
        primaryMetric = prefixed(name, primary);
        return prefixed(name, metrics);
    }

    /** Quantizes as {@code encode(precision=...)} would, then widens to floats (binary: one 0/1 value per bit). */
    private FloatMatrix asScored(FloatMatrix embeddings) {
        if (precision == null || precision == Precision.FLOAT32) {
            return embeddings; // float32 still normalizes, as Python's normalize_embeddings=bool(precision)
        }
        QuantizedEmbeddings q = Quantization.quantize(embeddings, precision);
        boolean bits = precision == Precision.BINARY || precision == Precision.UBINARY;
        int width = bits ? q.cols() * 8 : q.cols();
        float[] out = new float[q.rows() * width];
        for (int r = 0; r < q.rows(); r++) {
            for (int c = 0; c < q.cols(); c++) {
                int v = q.get(r, c);
                if (!bits) {
                    out[r * width + c] = v;
                    continue;
                }
                int unsigned = precision == Precision.BINARY ? v + 128 : v;
                for (int bit = 0; bit < 8; bit++) {
                    out[r * width + c * 8 + bit] = (unsigned >> (7 - bit)) & 1;
                }
            }
        }
        return FloatMatrix.of(q.rows(), width, out);
    }

    static String prefixed(String name, String key) {
        return name.isEmpty() || key.startsWith(name + "_") ? key : name + "_" + key;
    }

    static Map<String, Double> prefixed(String name, Map<String, Double> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> out.put(name.isEmpty() ? k : name + "_" + k, v));
        return Collections.unmodifiableMap(out);
    }

    /** Builds an {@link EmbeddingSimilarityEvaluator}; defaults as Python's constructor. */
    public static final class Builder {
        private final List<String> sentences1;
        private final List<String> sentences2;
        private final double[] scores;
        private int batchSize = 16;
        private SimilarityFunction mainSimilarity;
        private final List<SimilarityFunction> functions = new ArrayList<>();
        private String name = "";
        private boolean writeCsv = true;
        private Precision precision;
        private Integer truncateDim;

        private Builder(List<String> sentences1, List<String> sentences2, double[] scores) {
            this.sentences1 = sentences1;
            this.sentences2 = sentences2;
            this.scores = scores;
        }

        /** Texts per encode batch (default 16). */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The function whose Spearman is the primary metric (default: none). */
        public Builder mainSimilarity(SimilarityFunction mainSimilarity) {
            this.mainSimilarity = mainSimilarity;
            return this;
        }

        /** The functions to score with, in this order (default: the model's own function). */
        public Builder similarityFunctions(List<SimilarityFunction> functions) {
            this.functions.clear();
            this.functions.addAll(functions);
            return this;
        }

        /** Prefix of every metric key and part of the CSV name (default empty). */
        public Builder name(String name) {
            this.name = name == null ? "" : name;
            return this;
        }

        /** Whether {@code evaluate(model, folder)} writes the CSV (default true). */
        public Builder writeCsv(boolean writeCsv) {
            this.writeCsv = writeCsv;
            return this;
        }

        /**
         * Normalize the embeddings and quantize them to int8, uint8, binary or ubinary (float32: normalize only),
         * as Python's {@code precision} (default none: neither).
         */
        public Builder precision(Precision precision) {
            this.precision = precision;
            return this;
        }

        public Builder truncateDim(Integer truncateDim) {
            this.truncateDim = truncateDim;
            return this;
        }

        public EmbeddingSimilarityEvaluator build() {
            return new EmbeddingSimilarityEvaluator(this);
        }
    }
}
