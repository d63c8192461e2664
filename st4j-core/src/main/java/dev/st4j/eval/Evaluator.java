package dev.st4j.eval;

import dev.st4j.SentenceTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Measures a model on data, as sentence-transformers' evaluators do: run it with
 * {@link SentenceTransformer#evaluate(Evaluator)}. Metrics come back in Python's order under Python's key names.
 */
public interface Evaluator {
    /**
     * Evaluates {@code model}; when {@code outputFolder} is not null (and the evaluator writes CSV), appends a row to
     * the evaluator's CSV file there, creating it with Python's header first.
     */
    Map<String, Double> evaluate(SentenceTransformer model, Path outputFolder) throws IOException;

    /** The key of the metric that sums the result up (Python's {@code primary_metric}), known after a run. */
    String primaryMetric();

    /** Evaluates without writing a file. */
    default Map<String, Double> evaluate(SentenceTransformer model) {
        try {
            return evaluate(model, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
