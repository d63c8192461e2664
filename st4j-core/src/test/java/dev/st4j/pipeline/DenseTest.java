package dev.st4j.pipeline;

import dev.st4j.ModelFormatException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dense on hand-computed values: W = [[1, 2], [3, 4]], b = [0.5, -1], x = [1, -1]: x Wᵀ + b = [-0.5, -2]. */
class DenseTest {
    @TempDir
    Path dir;

    static final float[] W = {1, 2, 3, 4};
    static final float[] B = {0.5f, -1};

    private float[] run(String activation, boolean residual) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"in_features\": 2, \"out_features\": 2, \"bias\": true, "
                + "\"activation_function\": \"" + activation + "\"" + (residual ? ", \"use_residual\": true" : "") + "}");
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put("linear.weight", W);
        tensors.put("linear.bias", B);
        writeSafetensors(dir.resolve("model.safetensors"), tensors, Map.of("linear.weight", new int[] {2, 2},
                "linear.bias", new int[] {2}));
        Dense dense = Dense.load(dir);
        Features f = new Features(new TokenBatch(1, 1, new long[1], new long[] {1}, new long[1], new int[] {1}), 0);
        f.setSentenceEmbeddings(new float[] {1, -1}, 2);
        dense.forward(f);
        return f.sentenceEmbeddings();
    }

    @Test
    void identityIsTheAffineMap() throws IOException {
        assertArrayEquals(new float[] {-0.5f, -2}, run("torch.nn.modules.linear.Identity", false), 1e-6f);
    }

    @Test
    void tanhIsAppliedAfterTheAffineMap() throws IOException {
        assertArrayEquals(new float[] {(float) Math.tanh(-0.5), (float) Math.tanh(-2)},
                run("torch.nn.modules.activation.Tanh", false), 1e-6f);
    }

    @Test
    void geluIsTheExactErfForm() throws IOException {
        // GELU(-0.5) = -0.154268713, GELU(-2) = -0.045500264 (exact, erf-based values).
        assertArrayEquals(new float[] {-0.15426871f, -0.04550026f},
                run("torch.nn.modules.activation.GELU", false), 1e-6f);
    }

    @Test
    void residualAddsTheInputWhenWidthsMatch() throws IOException {
        assertArrayEquals(new float[] {0.5f, -3}, run("torch.nn.modules.linear.Identity", true), 1e-6f);
    }

    @Test
    void pickleWeightsAreRefusedWithTheFix() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"in_features\": 2, \"out_features\": 2}");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Dense.load(dir));
        assertTrue(e.getMessage().contains("never loads"), e.getMessage());
    }

    @Test
    void wrongWeightShapeNamesTheTensorAndBothShapes() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"in_features\": 2, \"out_features\": 3}");
        writeSafetensors(dir.resolve("model.safetensors"), Map.of("linear.weight", W, "linear.bias", B),
                Map.of("linear.weight", new int[] {2, 2}, "linear.bias", new int[] {2}));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Dense.load(dir));
        assertTrue(e.getMessage().contains("linear.weight") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test
    void erfMatchesTabulatedValues() {
        assertEquals(0.1124629160182849, Erf.erf(0.1), 1e-15);
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(-0.9661051464753108, Erf.erf(-1.5), 1e-15);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3.0), 1e-15);
        assertEquals(0.9999999845827421, Erf.erf(4.0), 1e-15);
        assertEquals(0.9999999999984626, Erf.erf(5.0), 1e-15);
    }

    static void writeSafetensors(Path file, Map<String, float[]> tensors, Map<String, int[]> shapes)
            throws IOException {
        Map<String, SafetensorsWriter.Entry> entries = new LinkedHashMap<>();
        tensors.forEach((name, data) -> entries.put(name, new SafetensorsWriter.Entry(
                java.util.Arrays.stream(shapes.get(name)).asLongStream().toArray(), data)));
        SafetensorsWriter.write(file, entries, DType.F32);
    }
}
