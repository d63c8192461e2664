package dev.st4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels give the same bits whichever way the JVM runs them: interpreted (where vector operations
 * fall back to per-lane Java), compiled by C1, or compiled by C2 with intrinsics. A kernel whose result changed with
 * the JIT tier would make the first batches of a JVM differ from later ones.
 */
class JitTierIndependenceTest {

    /** A checksum of every kernel's output bits on fixed pseudo-random inputs, one line per kernel. */
    static Map<String, String> fingerprints(Kernels k) {
        Map<String, String> out = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 384;
        float[] x = randoms(rnd, 4 * n, 3f);
        float[] soft = x.clone();
        for (int r = 0; r < 4; r++) {
            k.softmax(soft, r * n, n - r * 7);
        }
        out.put("softmax", crc(soft));
        float[] gelu = x.clone();
        k.gelu(gelu, 0, gelu.length);
        out.put("gelu", crc(gelu));
        float[] norm = x.clone();
        float[] gamma = randoms(rnd, n, 1f);
        float[] beta = randoms(rnd, n, 1f);
        float[] residual = randoms(rnd, 4 * n, 1f);
        for (int r = 0; r < 4; r++) {
            k.addLayerNorm(norm, r * n, r % 2 == 0 ? residual : null, n, gamma, beta, 1e-12f);
        }
        out.put("layerNorm", crc(norm));
        out.put("dot", Integer.toHexString(Float.floatToRawIntBits(k.dot(x, 3, residual, 5, 3 * n))));
        int len = 37;
        int hidden = 128;
        int headSize = 64;
        float[] qkv = randoms(rnd, len * 3 * hidden, 1f);
        float[] ctx = new float[len * hidden];
        for (int h = 0; h < hidden / headSize; h++) {
            k.attention(qkv, 3 * hidden, h * headSize, hidden + h * headSize, 2 * hidden + h * headSize, len,
                    headSize, 0.125f, ctx, h * headSize, hidden);
        }
        out.put("attention", crc(ctx));
        int rows = 29;
        int in = 96;
        int outs = 80;
        float[] a = randoms(rnd, rows * in, 1f);
        float[] w = randoms(rnd, outs * in, 0.2f);
        float[] bias = randoms(rnd, outs, 0.5f);
        float[] y = new float[rows * outs];
        try (Parallel p = new Parallel(1)) {
            k.matmul(p, a, rows, WeightMatrix.of(w, outs, in), bias, y);
            out.put("matmul", crc(y));
            k.matmulGelu(p, a, rows, WeightMatrix.of(w, outs, in), bias, y);
            out.put("matmulGelu", crc(y));
        }
        return out;
    }

    static float[] randoms(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble(-1, 1) * scale);
        }
        return v;
    }

    static String crc(float[] v) {
        CRC32C c = new CRC32C();
        for (float f : v) {
            int b = Float.floatToRawIntBits(f);
            c.update(new byte[] {(byte) b, (byte) (b >> 8), (byte) (b >> 16), (byte) (b >> 24)});
        }
        return Long.toHexString(c.getValue());
    }

    /** Prints the fingerprints of the preferred kernels (run in a child JVM with a chosen JIT mode). */
    public static void main(String[] args) {
        System.out.println("kernels=" + Kernels.preferred().describe());
        fingerprints(Kernels.preferred()).forEach((name, value) -> System.out.println(name + "=" + value));
    }

    static Map<String, String> child(String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", mode, "-cp",
                System.getProperty("java.class.path"), JitTierIndependenceTest.class.getName())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        Map<String, String> out = new LinkedHashMap<>();
        text.lines().filter(l -> l.contains("=") && !l.startsWith("WARNING")).forEach(l -> {
            String[] kv = l.split("=", 2);
            out.put(kv[0], kv[1]);
        });
        return out;
    }

    @Test
    void interpretedC1AndC2RunsGiveIdenticalBits() throws IOException, InterruptedException {
        Kernels k = Kernels.preferred();
        // Warm up so that C2 compiles the kernels here (the children stay interpreted or at C1).
        for (int i = 0; i < 300; i++) {
            fingerprints(k);
        }
        Map<String, String> compiled = new LinkedHashMap<>();
        compiled.put("kernels", k.describe());
        compiled.putAll(fingerprints(k));
        assertEquals(compiled, child("-Xint"), "interpreted");
        assertEquals(compiled, child("-XX:TieredStopAtLevel=1"), "C1 only");
    }
}
