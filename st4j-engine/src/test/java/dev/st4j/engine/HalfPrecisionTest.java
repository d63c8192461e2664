package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.engine.fixtures.RealWeights;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * F16 and BF16 copies of all-MiniLM-L6-v2 run in their stored type (widened a tile at a time, never as a whole)
 * and give embeddings with cosine >= 0.999 to the F32 ones.
 */
@Tag("slow")
class HalfPrecisionTest {
    static final String ID = "sentence-transformers/all-MiniLM-L6-v2";

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void halfPrecisionCopiesMatchF32(DType dtype) throws IOException {
        List<String> texts = JavaEngineParityTest.corpus().subList(0, 200);
        var f32Folder = RealWeights.safetensorsFolder(ID, DType.F32);
        var halfFolder = RealWeights.safetensorsFolder(ID, dtype);
        var weights = SafetensorsFile.open(halfFolder);
        assertTrue(weights.names().stream().allMatch(n -> weights.get(n).dtype() == dtype));
        FloatMatrix reference;
        try (SentenceTransformer f32 = SentenceTransformer.load(f32Folder,
                LoadOptions.builder().backend("java").threads(2).build())) {
            reference = f32.encode(texts);
        }
        long before = usedHeapAfterGc();
        try (SentenceTransformer half = SentenceTransformer.load(halfFolder,
                LoadOptions.builder().backend("java").threads(2).build())) {
            long growth = usedHeapAfterGc() - before;
            // Widened to F32 the model would take 91 MB of heap (its matrices alone 42 MB); only the small
            // vectors (biases, norms, position and type embeddings) are copied.
            assertTrue(growth < 20L << 20, "loading grew the heap by " + (growth >> 20) + " MB");
            assertTrue(half.describeBackend().startsWith("java (BERT " + dtype + ", "), half.describeBackend());
            FloatMatrix actual = half.encode(texts);
            double worst = 1;
            for (int i = 0; i < texts.size(); i++) {
                worst = Math.min(worst, cosine(reference.row(i), actual.row(i)));
            }
            assertTrue(worst >= 0.999, dtype + ": worst cosine to F32 " + worst);
            System.out.printf("%s: worst cosine to F32 over %d texts %.6f, heap growth %d KB%n", dtype,
                    texts.size(), worst, growth >> 10);
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
