package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.engine.fixtures.ReferenceModels;
import dev.st4j.engine.fixtures.ReferenceModels.Folder;
import dev.st4j.engine.fixtures.ReferenceModels.Variant;
import dev.st4j.engine.kernels.Kernels;
import dev.st4j.engine.kernels.Parallel;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's encoders against Hugging Face transformers itself: for every reference model of an architecture the
 * engine runs, and every batch recorded for it, {@code last_hidden_state} on each real token and the mean and CLS
 * pooled vectors agree within 1e-5, with the Vector API kernels and with the scalar ones.
 */
class ReferenceModelsTest {
    static final List<String> ENCODERS = List.of("bert", "roberta", "xlm-roberta", "distilbert", "mpnet");
    /** The hub's task checkpoints put the bare model under its {@code base_model_prefix}. */
    static final Map<String, String> BASE_PREFIX = Map.of("bert", "bert.", "roberta", "roberta.", "xlm-roberta",
            "roberta.", "distilbert", "distilbert.", "mpnet", "mpnet.");
    static final double TOLERANCE = 1e-5;
    static final Parallel PARALLEL = new Parallel(2);

    @TempDir
    Path dir;

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    static List<Folder> encoders() {
        return ReferenceModels.folders(ENCODERS);
    }

    static EncoderModel load(Folder f, Kernels kernels) {
        return JavaEngineProvider.load(f.modelType(), f.path().resolve("config.json"), f.config(),
                SafetensorsFile.open(f.path()), kernels);
    }

    static List<Variant> rightPadded(Folder f) {
        List<Variant> variants = f.variants().stream().filter(v -> v.paddingSide().equals("right")).toList();
        assertFalse(variants.isEmpty(), f.name() + " records no right-padded batch");
        return variants;
    }

    @Test
    void everyEncoderArchitectureHasAReferenceModel() {
        List<String> types = encoders().stream().map(Folder::modelType).distinct().sorted().toList();
        assertEquals(ENCODERS.stream().sorted().toList(), types);
    }

    @TestFactory
    Stream<DynamicTest> lastHiddenStateAndPooledVectorsMatchTransformers() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Folder f : encoders()) {
            for (Kernels kernels : List.of(Kernels.preferred(), Kernels.scalar())) {
                for (Variant v : rightPadded(f)) {
                    String what = f.name() + " " + v.name() + " (" + kernels.describe() + ")";
                    tests.add(dynamicTest(what, () -> {
                        EncoderModel model = load(f, kernels);
                        assertMatches(what, v, model.forward(v.batch(), PARALLEL), model.hiddenSize());
                    }));
                }
            }
        }
        return tests.stream();
    }

    /**
     * {@code out} ({@code [batch, seq, hidden]}) equals the reference on every real token, and so do its mean (over
     * real tokens) and its first token.
     */
    static void assertMatches(String what, Variant v, float[] out, int hidden) {
        TokenBatch batch = v.batch();
        int seq = batch.seqLength();
        assertEquals(batch.batchSize() * seq * hidden, out.length, what + ": output size");
        double worst = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            int len = batch.lengths()[b];
            for (int t = 0; t < seq; t++) {
                // Right padding: the real tokens come first, so they are exactly the first `len` positions.
                assertEquals(t < len ? 1 : 0, batch.attentionMask()[b * seq + t], what + ": mask of row " + b);
            }
            double[] mean = new double[hidden];
            for (int t = 0; t < len; t++) {
                for (int d = 0; d < hidden; d++) {
                    float got = out[(b * seq + t) * hidden + d];
                    double diff = Math.abs(got - v.hidden()[b][t][d]);
                    worst = Math.max(worst, diff);
                    assertTrue(diff <= TOLERANCE, what + ": last_hidden_state[" + b + "][" + t + "][" + d
                            + "] = " + got + ", transformers " + v.hidden()[b][t][d]);
                    mean[d] += got;
                }
            }
            for (int d = 0; d < hidden; d++) {
                double got = mean[d] / Math.max(len, 1e-9);
                assertTrue(Math.abs(got - v.mean()[b][d]) <= TOLERANCE, what + ": mean_pooled[" + b + "][" + d
                        + "] = " + got + ", transformers " + v.mean()[b][d]);
                float cls = out[b * seq * hidden + d];
                assertTrue(Math.abs(cls - v.cls()[b][d]) <= TOLERANCE, what + ": cls_pooled[" + b + "][" + d
                        + "] = " + cls + ", transformers " + v.cls()[b][d]);
            }
        }
        System.out.printf("%s: max |engine - transformers| = %.2e%n", what, worst);
    }

    /**
     * fairseq's positions count real tokens whatever the padding side, and MPNet's bias sees only distances, so
     * in transformers a left-padded batch gives these models the same states as the recorded right-padded one.
     */
    @TestFactory
    Stream<DynamicTest> leftPaddingGivesFairseqPositionModelsTheSameStates() {
        return encoders().stream().filter(f -> List.of("roberta", "xlm-roberta", "mpnet").contains(f.modelType()))
                .map(f -> dynamicTest(f.name(), () -> {
                    Variant v = rightPadded(f).get(0);
                    TokenBatch right = v.batch();
                    int seq = right.seqLength();
                    long pad = f.config().path("pad_token_id").asLong(1);
                    long[] ids = new long[right.inputIds().length];
                    long[] mask = new long[ids.length];
                    java.util.Arrays.fill(ids, pad);
                    for (int b = 0; b < right.batchSize(); b++) {
                        int shift = seq - right.lengths()[b];
                        for (int t = 0; t < right.lengths()[b]; t++) {
                            ids[b * seq + shift + t] = right.inputIds()[b * seq + t];
                            mask[b * seq + shift + t] = 1;
                        }
                    }
                    TokenBatch left = new TokenBatch(right.batchSize(), seq, ids, mask, new long[ids.length],
                            right.lengths());
                    EncoderModel model = load(f, Kernels.preferred());
                    float[] out = model.forward(left, PARALLEL);
                    int hidden = model.hiddenSize();
                    for (int b = 0; b < left.batchSize(); b++) {
                        int shift = seq - left.lengths()[b];
                        for (int t = 0; t < left.lengths()[b]; t++) {
                            for (int d = 0; d < hidden; d++) {
                                float got = out[(b * seq + shift + t) * hidden + d];
                                assertTrue(Math.abs(got - v.hidden()[b][t][d]) <= TOLERANCE, f.name() + " left-padded ["
                                        + b + "][" + t + "][" + d + "] = " + got + ", transformers (right-padded) "
                                        + v.hidden()[b][t][d]);
                            }
                        }
                        for (int t = 0; t < shift; t++) {
                            assertEquals(0f, out[(b * seq + t) * hidden], "padding stays zero");
                        }
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> weightsUnderTheBaseModelPrefixGiveTheSameOutputs() {
        return encoders().stream().map(f -> dynamicTest(f.name(), () -> {
            String prefix = BASE_PREFIX.get(f.modelType());
            // A task checkpoint: the bare model under the prefix, beside a head that is not.
            Path folder = ReferenceModels.copy(f, dir.resolve(f.name()), c -> c, n -> prefix + n,
                    Map.of("classifier.weight", new SafetensorsWriter.Entry(new long[] {2, 3}, new float[6])));
            Variant v = rightPadded(f).get(0);
            try (TransformerBackend b = new JavaEngineProvider().open(folder, new BackendOptions(2, null))) {
                assertMatches(f.name() + " with '" + prefix + "'", v, b.forward(v.batch()), b.hiddenSize());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> anActivationOtherThanExactGeluIsRefusedByName() {
        return encoders().stream().map(f -> dynamicTest(f.name(), () -> {
            String key = f.modelType().equals("distilbert") ? "activation" : "hidden_act";
            assertTrue(f.config().path(key).asText().equals("gelu"), f.name() + " " + key);
            Path folder = ReferenceModels.copy(f, dir.resolve(f.name()),
                    c -> c.replaceFirst("\"" + key + "\"\\s*:\\s*\"gelu\"", "\"" + key + "\": \"gelu_new\""),
                    n -> n, Map.of());
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> new JavaEngineProvider().open(folder, new BackendOptions(1, null)));
            assertTrue(e.getMessage().contains(key + " 'gelu_new' is not supported")
                    && e.getMessage().contains("'gelu'") && e.getMessage().contains("ONNX"), e.getMessage());
        }));
    }

    @TestFactory
    Stream<DynamicTest> aRelativePositionEmbeddingTypeIsRefusedByName() {
        return encoders().stream().filter(f -> f.config().has("position_embedding_type"))
                .map(f -> dynamicTest(f.name(), () -> {
                    Path folder = ReferenceModels.copy(f, dir.resolve(f.name()), c -> c.replaceFirst(
                            "\"position_embedding_type\"\\s*:\\s*\"absolute\"",
                            "\"position_embedding_type\": \"relative_key\""), n -> n, Map.of());
                    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                            () -> new JavaEngineProvider().open(folder, new BackendOptions(1, null)));
                    assertTrue(e.getMessage().contains("position_embedding_type 'relative_key'"), e.getMessage());
                }));
    }

    @Test
    void anMpnetWithFewerThanTransformersThirtyTwoBucketsIsRefusedByName() throws IOException {
        Folder f = encoders().stream().filter(e -> e.modelType().equals("mpnet")).findFirst().orElseThrow();
        String table = "encoder.relative_attention_bias.weight";
        int heads = f.config().get("num_attention_heads").asInt();
        Path folder = ReferenceModels.copy(f, dir.resolve("mpnet16"), c -> c.replaceFirst(
                "\"relative_attention_num_buckets\"\\s*:\\s*\\d+", "\"relative_attention_num_buckets\": 16"),
                n -> n.equals(table) ? null : n,
                Map.of(table, new SafetensorsWriter.Entry(new long[] {16, heads}, new float[16 * heads])));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> new JavaEngineProvider().open(folder, new BackendOptions(1, null)));
        assertTrue(e.getMessage().contains("relative_attention_num_buckets 16 is not supported"), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> aMisshapedTensorIsNamedWithBothShapes() {
        return encoders().stream().map(f -> dynamicTest(f.name(), () -> {
            String name = f.modelType().equals("distilbert") ? "transformer.layer.0.ffn.lin1.weight"
                    : "encoder.layer.0.intermediate.dense.weight";
            assertMisshapedIsNamed(f, name);
            if (f.modelType().equals("mpnet")) {
                assertMisshapedIsNamed(f, "encoder.relative_attention_bias.weight");
            }
        }));
    }

    @Test
    void aDistilBertPositionTableMayBeLeftOutOnlyWhenItIsSinusoidal() throws IOException {
        Folder f = encoders().stream().filter(e -> e.modelType().equals("distilbert")).findFirst().orElseThrow();
        String table = "embeddings.position_embeddings.weight";
        Path learned = ReferenceModels.copy(f, dir.resolve("learned"), c -> c, n -> n.equals(table) ? null : n,
                Map.of());
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> new JavaEngineProvider().open(learned, new BackendOptions(1, null)));
        assertTrue(e.getMessage().contains("'" + table + "' is missing"), e.getMessage());

        Path sinusoidal = ReferenceModels.copy(f, dir.resolve("sinusoidal"), c -> c.replaceFirst(
                "\"sinusoidal_pos_embds\"\\s*:\\s*false", "\"sinusoidal_pos_embds\": true"),
                n -> n.equals(table) ? null : n, Map.of());
        Variant v = rightPadded(f).get(0);
        try (TransformerBackend b = new JavaEngineProvider().open(sinusoidal, new BackendOptions(1, null))) {
            float[] out = b.forward(v.batch());
            assertEquals(v.batch().batchSize() * v.batch().seqLength() * b.hiddenSize(), out.length);
            for (float x : out) {
                assertTrue(Float.isFinite(x));
            }
        }
    }

    /** Stores {@code name} transposed and expects an error naming it, the stored and the expected shape. */
    void assertMisshapedIsNamed(Folder f, String name) throws IOException {
        long[] shape = SafetensorsFile.open(f.path()).get(name).shape();
        long[] transposed = {shape[1], shape[0]};
        Path folder = ReferenceModels.copy(f, dir.resolve(f.name() + "-" + name), c -> c,
                n -> n.equals(name) ? null : n,
                Map.of(name, new SafetensorsWriter.Entry(transposed, new float[(int) (shape[0] * shape[1])])));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> new JavaEngineProvider().open(folder, new BackendOptions(1, null)));
        assertTrue(e.getMessage().contains("'" + name + "' has shape " + java.util.Arrays.toString(transposed))
                && e.getMessage().contains("implies " + java.util.Arrays.toString(shape)), e.getMessage());
    }
}
