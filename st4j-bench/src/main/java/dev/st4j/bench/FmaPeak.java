package dev.st4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's measured float FMA peak as the JVM sees it: independent FMA chains on registers at the preferred
 * vector width, on 1 and on n threads. The ceiling for any matmul the engine runs.
 */
final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    private FmaPeak() {}

    /** GFLOP/s over {@code threads} threads (each counts 2 flops per FMA lane). */
    static double measure(int threads, double seconds) throws Exception {
        run(100_000); // warm up the JIT
        long iterations = 4_000_000;
        long start = System.nanoTime();
        run(iterations);
        double perIteration = (System.nanoTime() - start) / 1e9 / iterations;
        long n = Math.max(1, (long) (seconds / perIteration));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Float>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> run(n));
            }
            long t0 = System.nanoTime();
            float sink = 0;
            for (Future<Float> f : pool.invokeAll(tasks)) {
                sink += f.get();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (sink == 42f) {
                System.out.print("");
            }
            return 2.0 * S.length() * CHAINS * n * threads / elapsed / 1e9;
        } finally {
            pool.shutdown();
        }
    }

    private static float run(long iterations) {
        FloatVector a = FloatVector.broadcast(S, 0.999f);
        FloatVector b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
