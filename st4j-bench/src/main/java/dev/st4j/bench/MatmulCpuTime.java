package dev.st4j.bench;

import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.WeightMatrix;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@link Kernels#matmul} (and {@code matmulGelu} for the up-projection) on one thread, weights packed at load,
 * timed by the thread's CPU time rather than the wall clock: on a shared machine the wall time of a JMH run varies
 * by more than the differences between kernels, CPU time far less. GFLOP/s = 2 * rows * in * out / CPU seconds;
 * prints the median and every round after the first (a warm-up).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'st4j-bench/target/st4j-bench.jar:st4j-bench/target/lib/*' \
 *     dev.st4j.bench.MatmulCpuTime [rounds, default 4] [shape filter, e.g. 864x]
 * </pre>
 */
public final class MatmulCpuTime {
    private MatmulCpuTime() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        String only = args.length > 1 ? args[1] : "";
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Kernels k = Kernels.preferred();
        int[] tokens = {128, 864, 4096};
        int[][] layers = {{384, 1152}, {384, 384}, {384, 1536}, {1536, 384}};
        Random random = new Random(3);
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (Parallel one = new Parallel(1)) {
            for (int round = 0; round < rounds; round++) {
                for (int m : tokens) {
                    for (int[] layer : layers) {
                        for (boolean gelu : new boolean[] {false, true}) {
                            int in = layer[0];
                            int out = layer[1];
                            String key = m + "x" + in + "x" + out + (gelu ? "+gelu" : "");
                            if ((gelu && out != 1536) || !key.contains(only)) {
                                continue;
                            }
                            float[] x = gaussian(random, m * in, 1);
                            float[] bias = gaussian(random, out, 0.1);
                            float[] y = new float[m * out];
                            WeightMatrix w = k.prepare(WeightMatrix.of(gaussian(random, out * in, 0.05), out, in));
                            int reps = (int) Math.max(3, 3e9 / (2.0 * m * in * out));
                            for (int i = 0; i < (round == 0 ? reps : 1); i++) {
                                run(k, one, gelu, x, m, w, bias, y);
                            }
                            long t0 = cpu.getCurrentThreadCpuTime();
                            for (int i = 0; i < reps; i++) {
                                run(k, one, gelu, x, m, w, bias, y);
                            }
                            long t1 = cpu.getCurrentThreadCpuTime();
                            if (round > 0) {
                                results.computeIfAbsent(key, q -> new ArrayList<>())
                                        .add(2.0 * m * in * out * reps / (t1 - t0));
                            }
                        }
                    }
                }
            }
        }
        System.out.println(k.describe() + ", one thread, GFLOP/s of thread CPU time");
        results.forEach((key, v) -> {
            List<Double> sorted = new ArrayList<>(v);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "%-18s median %6.1f  %s%n", key, sorted.get(sorted.size() / 2),
                    v.stream().map(d -> String.format(Locale.ROOT, "%.1f", d)).toList());
        });
    }

    private static void run(Kernels k, Parallel p, boolean gelu, float[] x, int m, WeightMatrix w, float[] bias,
            float[] y) {
        if (gelu) {
            k.matmulGelu(p, x, m, w, bias, y);
        } else {
            k.matmul(p, x, m, w, bias, y);
        }
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }
}
