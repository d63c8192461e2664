package dev.st4j.spark;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models of this JVM (one executor, or the driver in local mode): loaded once per distinct options, on first
 * use, and shared by every task the JVM runs at the same time (a SentenceTransformer is thread-safe).
 */
final class ExecutorModels {
    private static final Map<St4jSparkOptions, SentenceTransformer> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    private ExecutorModels() {
    }

    /** The model for these options; concurrent first callers wait for the one load (a failed load is retried). */
    static SentenceTransformer get(St4jSparkOptions options) {
        return MODELS.computeIfAbsent(options, o -> {
            SentenceTransformer m = SentenceTransformer.load(o.model(), o.loadOptions());
            LOADS.incrementAndGet();
            return m;
        });
    }

    /** Encodes texts (none null) with the options' task: plain, query or document. */
    static FloatMatrix encode(St4jSparkOptions options, List<String> texts) {
        SentenceTransformer model = get(options);
        EncodeOptions encode = options.encodeOptions();
        if ("query".equals(options.task())) {
            return model.encodeQuery(texts, encode);
        }
        if ("document".equals(options.task())) {
            return model.encodeDocument(texts, encode);
        }
        return model.encode(texts, encode);
    }

    static long loads() {
        return LOADS.get();
    }

    static void closeAll() {
        for (St4jSparkOptions key : List.copyOf(MODELS.keySet())) {
            SentenceTransformer m = MODELS.remove(key);
            if (m != null) {
                m.close();
            }
        }
    }
}
