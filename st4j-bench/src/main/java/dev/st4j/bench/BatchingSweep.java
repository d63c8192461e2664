package dev.st4j.bench;

import dev.st4j.EncodeOptions;
import dev.st4j.EncodePool;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code encode} should batch, measured: the token budget (most real tokens per batch) over a range, and a
 * 2-worker CPU pool (model loaded with one intra-op thread per worker) against one worker using every core. All
 * variants run in one warm JVM on the same texts, interleaved round by round (so a burst of load from other
 * processes spreads over all of them); each reports its best round in wall seconds and the process CPU seconds
 * of that round (CPU time is the steadier figure on a shared machine).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'st4j-bench/target/st4j-bench.jar:st4j-bench/target/lib/*' \
 *     dev.st4j.bench.BatchingSweep [--texts=2000] [--rounds=3] [--batch=32]
 * </pre>
 */
public final class BatchingSweep {
    private BatchingSweep() {}

    interface Variant {
        void run(List<String> texts);
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> opt = new LinkedHashMap<>(Map.of("texts", 2000, "rounds", 3, "batch", 32));
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt.keySet());
            }
            opt.put(kv[0], Integer.parseInt(kv[1]));
        }
        List<String> all = Throughput.corpus();
        List<String> texts = all.subList(0, Math.min(all.size(), opt.get("texts")));
        int cores = Runtime.getRuntime().availableProcessors();
        int batch = opt.get("batch");
        try (SentenceTransformer shared = SentenceTransformer.load(PeerBenchmark.MODEL);
                SentenceTransformer single = SentenceTransformer.load(PeerBenchmark.MODEL,
                        LoadOptions.builder().threads(1).build());
                EncodePool pool = single.startMultiProcessPool(List.of("cpu", "cpu"))) {
            Map<String, Variant> variants = new LinkedHashMap<>();
            for (int budget : new int[] {0, 1024, 2048, 4096, 8192, 16384}) {
                EncodeOptions.Builder o = EncodeOptions.builder().batchSize(budget == 0 ? batch : 4 * batch);
                if (budget > 0) {
                    o.tokenBudget(budget);
                }
                EncodeOptions options = o.build();
                variants.put(budget == 0 ? "batch " + batch + ", no budget" : "batch " + 4 * batch + ", budget "
                        + budget, t -> shared.encode(t, options));
            }
            EncodeOptions pooled = EncodeOptions.builder().batchSize(batch).pool(pool).build();
            variants.put("1 worker x " + cores + " threads, batch " + batch,
                    t -> shared.encode(t, EncodeOptions.builder().batchSize(batch).build()));
            variants.put("pool 2 workers x 1 thread, batch " + batch, t -> single.encode(t, pooled));

            System.out.printf("%s, %d texts, %d cores, load average before: %s%n", PeerBenchmark.MODEL,
                    texts.size(), cores, Throughput.loadAverage());
            List<String> warm = texts.subList(0, Math.min(texts.size(), 400));
            variants.values().forEach(v -> v.run(warm));
            Map<String, List<double[]>> times = new LinkedHashMap<>();
            variants.keySet().forEach(k -> times.put(k, new ArrayList<>()));
            List<String> names = new ArrayList<>(variants.keySet());
            for (int r = 0; r < opt.get("rounds"); r++) {
                for (int k = 0; k < names.size(); k++) {
                    String name = names.get((k + r) % names.size());
                    double cpu0 = cpuSeconds();
                    long t0 = System.nanoTime();
                    variants.get(name).run(texts);
                    times.get(name).add(new double[] {(System.nanoTime() - t0) / 1e9, cpuSeconds() - cpu0});
                }
            }
            System.out.printf("load average after: %s%n%n", Throughput.loadAverage());
            System.out.println("| variant | best wall s | texts/s | CPU s of that round |");
            System.out.println("|---|---|---|---|");
            for (var e : times.entrySet()) {
                double[] best = e.getValue().stream().min((a, b) -> Double.compare(a[0], b[0])).orElseThrow();
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %.2f |%n", e.getKey(), best[0],
                        texts.size() / best[0], best[1]);
            }
        }
    }

    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }
}
