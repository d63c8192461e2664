package dev.st4j.bench;

import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.kernels.WeightMatrix;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Kernels#matmul} at the shapes of a MiniLM/bge layer on a packed batch of {@code rows} tokens. GFLOP/s =
 * 2 * rows * out * in / (seconds per op) / 1e9.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'st4j-bench/target/st4j-bench.jar:st4j-bench/target/lib/*' \
 *     org.openjdk.jmh.Main MatmulBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class MatmulBenchmark {
    /** Packed tokens: 864 is typical of a batch of 32 corpus texts, 128 of a batch of short ones. */
    @Param({"864", "128"})
    int rows;

    /** in x out of the layer: attention projections, FFN up, FFN down. */
    @Param({"384x384", "384x1536", "1536x384"})
    String shape;

    @Param({"vector", "scalar"})
    String kernels;

    @Param({"1", "2"})
    int threads;

    /** "load": weights packed once by {@link Kernels#prepare}; "call": packed by every matmul call. */
    @Param({"load", "call"})
    String packing;

    Kernels k;
    Parallel parallel;
    float[] x;
    float[] out;
    float[] bias;
    WeightMatrix w;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split("x");
        int in = Integer.parseInt(s[0]);
        int outDim = Integer.parseInt(s[1]);
        Random r = new Random(42);
        x = new float[rows * in];
        float[] weights = new float[outDim * in];
        bias = new float[outDim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) r.nextGaussian() * 0.05f;
        }
        out = new float[rows * outDim];
        k = kernels.equals("vector") ? Kernels.preferred() : Kernels.scalar();
        w = WeightMatrix.of(weights, outDim, in);
        if (packing.equals("load")) {
            w = k.prepare(w);
        }
        parallel = new Parallel(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] matmul() {
        k.matmul(parallel, x, rows, w, bias, out);
        return out;
    }
}
