package dev.st4j.engine.rotary;

import dev.st4j.engine.batch.PackedBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.engine.EncoderModel;
import dev.st4j.engine.gemma3.Gemma3TextModel;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.engine.modernbert.ModernBertModel;
import dev.st4j.engine.qwen3.Qwen3Model;
import dev.st4j.internal.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rotary architectures against what Hugging Face transformers computed for the tiny random models of
 * {@code reference-models/}: {@code last_hidden_state} on every real token and every pooled vector recorded there,
 * within 1e-5, for every recorded batch (right- and left-padded), with the vector and the scalar kernels.
 */
class RotaryReferenceTest {
    static final double TOLERANCE = 1e-5;

    /** Every fixture folder whose config names a rotary architecture, whatever it is called. */
    static Stream<Arguments> cases() throws IOException {
        Set<String> rotary = Set.of("modernbert", "qwen3", "gemma3_text");
        List<String> names = new ArrayList<>();
        try (Stream<Path> folders = Files.list(
                ReferenceFixture.sharedData().resolve("reference-models"))) {
            for (Path folder : folders.sorted().toList()) {
                Path config = folder.resolve("config.json");
                if (Files.isRegularFile(config) && Files.isRegularFile(
                        folder.resolve("inputs_and_outputs.json")) && rotary.contains(
                        new ObjectMapper().readTree(config.toFile())
                                .path("model_type").asText())) {
                    names.add(folder.getFileName().toString());
                }
            }
        }
        assertFalse(names.isEmpty(), "no rotary fixtures under reference-models/");
        return names.stream()
                .flatMap(name -> Stream.of(Arguments.of(name, "preferred"), Arguments.of(name, "scalar")));
    }

    static EncoderModel load(ReferenceFixture f, Kernels kernels) {
        SafetensorsFile weights = SafetensorsFile.open(f.folder());
        var configFile = f.folder().resolve("config.json");
        return switch (f.config().path("model_type").asText()) {
            case "modernbert" -> ModernBertModel.load(configFile, f.config(), weights, kernels);
            case "qwen3" -> Qwen3Model.load(configFile, f.config(), weights, kernels);
            case "gemma3_text" -> Gemma3TextModel.load(configFile, f.config(), weights, kernels);
            default -> throw new AssertionError("not a rotary architecture: " + f.config().path("model_type"));
        };
    }

    @ParameterizedTest(name = "{0} ({1} kernels)")
    @MethodSource("cases")
    void matchesTransformers(String name, String kernelsName) {
        ReferenceFixture fixture = ReferenceFixture.load(name);
        Kernels kernels = kernelsName.equals("scalar") ? Kernels.scalar() : Kernels.preferred();
        EncoderModel model = load(fixture, kernels);
        int hidden = fixture.config().get("hidden_size").asInt();
        assertEquals(hidden, model.hiddenSize());
        // The reference checkpoints are F32, so their matrices are packed at load: the results below are the
        // packed kernels'.
        assertTrue(model.packedWeightBytes() > 0, name + ": no weights packed at load");
        assertFalse(fixture.variants().isEmpty());
        try (Parallel parallel = new Parallel(2)) {
            for (ReferenceFixture.Variant v : fixture.variants()) {
                String where = name + " " + v.name();
                checkPositions(v, where);
                float[] out = model.forward(v.batch(), parallel);
                int seq = v.batch().seqLength();
                assertEquals(v.batch().batchSize() * seq * hidden, out.length, where);
                double worst = 0;
                for (int b = 0; b < v.batch().batchSize(); b++) {
                    for (int p = 0; p < seq; p++) {
                        if (v.real(b, p)) {
                            worst = Math.max(worst, maxDiff(v.hidden()[b][p], out, (b * seq + p) * hidden, where
                                    + " token [" + b + ", " + p + "]"));
                        }
                    }
                }
                int pooledChecked = checkPooled(v, out, hidden, where);
                assertTrue(pooledChecked > 0, where + ": no pooled vectors recorded");
                System.out.printf("%s (%s): worst |diff| %.2e over real tokens, %d pooled kinds%n", where,
                        kernels.describe(), worst, pooledChecked);
            }
        }
    }

    /** The engine's position ids (a token's column in the padded row) are the ones the model recorded. */
    static void checkPositions(ReferenceFixture.Variant v, String where) {
        PackedBatch packed = PackedBatch.of(v.batch(), Integer.MAX_VALUE);
        int[] positions = packed.positions();
        int seq = v.batch().seqLength();
        int t = 0;
        for (int b = 0; b < v.batch().batchSize(); b++) {
            for (int p = 0; p < seq; p++) {
                if (v.real(b, p)) {
                    assertEquals(v.positionIds()[b][p], positions[t++], where + " position of [" + b + ", " + p + "]");
                }
            }
        }
        assertEquals(positions.length, t);
    }

    /** Pools the engine's hidden states the way each recorded {@code *_pooled} entry says and compares. */
    static int checkPooled(ReferenceFixture.Variant v, float[] out, int hidden, String where) {
        for (String kind : v.pooledKinds()) {
            for (int b = 0; b < v.batch().batchSize(); b++) {
                maxDiff(v.recordedPooled(kind, b), v.pool(kind, out, hidden, b), 0, where + " " + kind + " [" + b
                        + "]");
            }
        }
        return v.pooledKinds().size();
    }

    static double maxDiff(float[] expected, float[] actual, int off, String where) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[off + i]);
            if (!(d <= TOLERANCE)) {
                fail(where + " dim " + i + ": expected " + expected[i] + ", engine " + actual[off + i]);
            }
            worst = Math.max(worst, d);
        }
        return worst;
    }
}
