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

    /** Timed trials; the best counts, since other processes can only slow a trial down. */
    private static final int TRIALS = 5;

    /**
     * GFLOP/s over {@code threads} threads (each counts 2 flops per FMA lane), the same in a cold JVM as after a
     * long benchmark: the kernel runs until the JIT has compiled it whole (not only its loop, on stack
     * replacement), then the best of {@value #TRIALS} trials of {@code seconds / TRIALS} each counts.
     */
    static double measure(int threads, double seconds) throws Exception {
        for (int i = 0; i < 60; i++) {
            run(200_000); // JIT warm-up: a cold JVM otherwise times interpreted or half-compiled code
        }
        double perIteration = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            run(2_000_000);
            perIteration = Math.min(perIteration, (System.nanoTime() - start) / 1e9 / 2_000_000);
        }
        long n = Math.max(1, (long) (seconds / TRIALS / perIteration));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Float>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> run(n));
            }
            double best = 0;
            float sink = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                long t0 = System.nanoTime();
                for (Future<Float> f : pool.invokeAll(tasks)) {
                    sink += f.get();
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * S.length() * CHAINS * n * threads / elapsed / 1e9);
            }
            if (sink == 42f) {
                System.out.print("");
            }
            return best;
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
