package dev.st4j.bench;

import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.WeightMatrix;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One encoder layer of all-MiniLM-L6-v2's shape (hidden 384, 12 heads of 32, intermediate 1536), op by op, on
 * a batch of {@code batch} sequences of {@code len} tokens each (packed: {@code batch * len} rows), timed in
 * <b>thread CPU time</b> on one thread ({@link ThreadMXBean}), which the load of other processes on a shared
 * machine changes far less than wall time. Also GELU alone over {@code [tokens, 1536]} and the up-projection
 * without its GELU, to split the fused epilogue's cost from the matmul's shape.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'st4j-bench/target/st4j-bench.jar:st4j-bench/target/lib/*' \
 *     dev.st4j.bench.OpProfile [--lens=16,27,64,128,256] [--batch=32] [--reps=7] [--millis=150] [--threads=1]
 * </pre>
 *
 * For an A/B of two engine builds, run it alternately with each build's {@code st4j-engine} jar first on the class
 * path. With {@code --threads} above 1 the figures are the calling thread's CPU time only (its share of the tasks
 * and its spinning), not the op's total. Prints, per op, the median over {@code reps} repetitions of CPU microseconds per call (and the min-max
 * range, which says how noisy the machine was), and GFLOP/s where the op has a FLOP count.
 */
public final class OpProfile {
    private static final int HIDDEN = 384;
    private static final int HEADS = 12;
    private static final int HEAD = HIDDEN / HEADS;
    private static final int INTER = 1536;

    private OpProfile() {}

    private record Op(String name, double flops, Runnable body) {}

    public static void main(String[] args) {
        int[] lens = {16, 27, 64, 128, 256};
        int batch = 32;
        int reps = 7;
        long millis = 150;
        int threads = 1;
        String only = null;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--lens=")) {
                lens = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
            } else if (a.startsWith("--batch=")) {
                batch = Integer.parseInt(v);
            } else if (a.startsWith("--reps=")) {
                reps = Integer.parseInt(v);
            } else if (a.startsWith("--millis=")) {
                millis = Long.parseLong(v);
            } else if (a.startsWith("--threads=")) {
                threads = Integer.parseInt(v);
            } else if (a.startsWith("--ops=")) {
                only = v;
            } else {
                throw new IllegalArgumentException("unknown option " + a
                        + " (--lens=16,27 --batch=32 --reps=7 --millis=150 --threads=1 --ops=attention,gelu)");
            }
        }
        Kernels k = Kernels.preferred();
        System.out.println("kernels: " + k.describe() + ", threads " + threads + ", load average "
                + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (Parallel parallel = new Parallel(threads)) {
            for (int len : lens) {
                profile(k, parallel, batch, len, reps, millis, only);
            }
        }
    }

    private static void profile(Kernels k, Parallel parallel, int batch, int len, int reps, long millis,
            String only) {
        int t = batch * len;
        Random r = new Random(7);
        float[] x = gaussian(r, t * HIDDEN, 1f);
        float[] residual = gaussian(r, t * HIDDEN, 1f);
        float[] qkv = gaussian(r, t * 3 * HIDDEN, 1f);
        float[] context = new float[t * HIDDEN];
        float[] y = new float[t * HIDDEN];
        float[] inner = new float[t * INTER];
        float[] geluIn = gaussian(r, t * INTER, 2f);
        float[] gamma = gaussian(r, HIDDEN, 1f);
        float[] beta = gaussian(r, HIDDEN, 1f);
        WeightMatrix wQkv = k.prepare(WeightMatrix.of(gaussian(r, 3 * HIDDEN * HIDDEN, 0.05f), 3 * HIDDEN, HIDDEN));
        WeightMatrix wOut = k.prepare(WeightMatrix.of(gaussian(r, HIDDEN * HIDDEN, 0.05f), HIDDEN, HIDDEN));
        WeightMatrix wUp = k.prepare(WeightMatrix.of(gaussian(r, INTER * HIDDEN, 0.05f), INTER, HIDDEN));
        WeightMatrix wDown = k.prepare(WeightMatrix.of(gaussian(r, HIDDEN * INTER, 0.05f), HIDDEN, INTER));
        float[] b3 = gaussian(r, 3 * HIDDEN, 0.1f);
        float[] b1 = gaussian(r, HIDDEN, 0.1f);
        float[] bi = gaussian(r, INTER, 0.1f);
        float scale = (float) (1 / Math.sqrt(HEAD));
        int stride = 3 * HIDDEN;
        double mm = 2.0 * t * HIDDEN;
        List<Op> ops = new ArrayList<>();
        ops.add(new Op("qkv matmul", mm * 3 * HIDDEN, () -> k.matmul(parallel, x, t, wQkv, b3, qkv)));
        ops.add(new Op("attention", 4.0 * batch * HEADS * len * len * HEAD, () ->
                parallel.forEach(batch * HEADS, task -> {
                    int s = task / HEADS;
                    int col = task % HEADS * HEAD;
                    int q = s * len * stride + col;
                    k.attention(qkv, stride, q, q + HIDDEN, q + 2 * HIDDEN, len, HEAD, scale, context,
                            s * len * HIDDEN + col, HIDDEN);
                })));
        if (hasWorkspaceAttention(k)) { // not in engine builds before it, which this profile may be run against
            float[] work = new float[k.attentionWorkFloats(len, HEAD)];
            ops.add(new Op("attention, workspace", 4.0 * batch * HEADS * len * len * HEAD, () -> {
                for (int task = 0; task < batch * HEADS; task++) {
                    int s = task / HEADS;
                    int col = task % HEADS * HEAD;
                    int q = s * len * stride + col;
                    k.attention(qkv, stride, q, q + HIDDEN, q + 2 * HIDDEN, len, HEAD, scale, null, context,
                            s * len * HIDDEN + col, HIDDEN, work);
                }
            }));
        }
        ops.add(new Op("out matmul", mm * HIDDEN, () -> k.matmul(parallel, context, t, wOut, b1, y)));
        ops.add(new Op("add+LayerNorm", 0, () -> {
            System.arraycopy(residual, 0, y, 0, y.length);
            parallel.forEach((t + 15) / 16, task -> {
                for (int row = task * 16; row < Math.min(t, task * 16 + 16); row++) {
                    k.addLayerNorm(y, row * HIDDEN, x, HIDDEN, gamma, beta, 1e-12f);
                }
            });
        }));
        ops.add(new Op("up matmul+GELU", mm * INTER, () -> k.matmulGelu(parallel, y, t, wUp, bi, inner)));
        ops.add(new Op("up matmul alone", mm * INTER, () -> k.matmul(parallel, y, t, wUp, bi, inner)));
        ops.add(new Op("GELU [t,1536]", 0, () -> {
            System.arraycopy(geluIn, 0, inner, 0, inner.length);
            parallel.forEach((t + 15) / 16, task -> {
                int end = Math.min(t, task * 16 + 16);
                k.gelu(inner, task * 16 * INTER, (end - task * 16) * INTER);
            });
        }));
        ops.add(new Op("copy [t,1536] (GELU's setup)", 0,
                () -> System.arraycopy(geluIn, 0, inner, 0, inner.length)));
        ops.add(new Op("down matmul", mm * INTER, () -> k.matmul(parallel, inner, t, wDown, b1, x)));
        ops.add(new Op("softmax [t*12, len]", 0, () -> {
            for (int i = 0; i + len <= qkv.length && i < t * HEADS * len; i += len) {
                k.softmax(qkv, i, len);
            }
        }));
        if (only != null) {
            List<String> wanted = Arrays.asList(only.toLowerCase(java.util.Locale.ROOT).split(","));
            ops.removeIf(op -> wanted.stream().noneMatch(w -> op.name.toLowerCase(java.util.Locale.ROOT).contains(w)));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // Warm-up: every op until the JIT has compiled it whole.
        for (Op op : ops) {
            runFor(mx, op, Math.max(1000, 3 * millis));
        }
        Map<String, double[]> micros = new LinkedHashMap<>();
        Map<String, Long> allocated = new LinkedHashMap<>();
        for (Op op : ops) {
            allocated.put(op.name, allocatedPerCall(mx, op));
        }
        for (int rep = 0; rep < reps; rep++) {
            for (Op op : ops) { // ops interleaved within each repetition, so a burst of load hits all of them
                micros.computeIfAbsent(op.name, n -> new double[0]);
                double[] m = micros.get(op.name);
                m = Arrays.copyOf(m, m.length + 1);
                m[m.length - 1] = runFor(mx, op, millis);
                micros.put(op.name, m);
            }
        }
        System.out.printf("%nbatch %d x len %d (%d tokens), CPU us per call: median [min-max] of %d; heap bytes"
                + " allocated per call%n", batch, len, t, reps);
        for (Op op : ops) {
            double[] m = micros.get(op.name).clone();
            Arrays.sort(m);
            double med = m[m.length / 2];
            String rate = op.flops > 0 ? String.format("  %6.1f GFLOP/s", op.flops / med / 1e3) : "";
            System.out.printf("  %-30s %10.1f  [%.1f-%.1f]%s  %d B%n", op.name, med, m[0], m[m.length - 1], rate,
                    allocated.get(op.name));
        }
    }

    /** CPU microseconds per call of {@code op}, over as many calls as fit in about {@code millis} of CPU time. */
    private static double runFor(ThreadMXBean mx, Op op, long millis) {
        long start = mx.getCurrentThreadCpuTime();
        long end = start + millis * 1_000_000;
        int calls = 0;
        long now;
        do {
            op.body.run();
            calls++;
        } while ((now = mx.getCurrentThreadCpuTime()) < end);
        return (now - start) / 1e3 / calls;
    }

    private static boolean hasWorkspaceAttention(Kernels k) {
        try {
            return k.attentionWorkFloats(1, HEAD) > 0;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Heap bytes one call allocates on this thread (after warm-up: what the compiled code allocates). */
    private static long allocatedPerCall(ThreadMXBean mx, Op op) {
        if (!(mx instanceof com.sun.management.ThreadMXBean sun)) {
            return -1;
        }
        long before = sun.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) {
            op.body.run();
        }
        return (sun.getCurrentThreadAllocatedBytes() - before) / 10;
    }

    private static float[] gaussian(Random r, int n, float sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * sd;
        }
        return a;
    }
}
