package dev.st4j.engine.rotary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsFile;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import dev.st4j.internal.safetensors.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One {@code reference-models/<arch>/} folder of the shared data: a tiny random model saved by transformers, the
 * batches it was run on and what it computed. Shapes and sizes come from the files, never from the test.
 */
public record ReferenceFixture(Path folder, JsonNode config, List<Variant> variants) {

    public static Path sharedData() {
        String p = System.getProperty("st4j.shared.data");
        if (p == null) {
            throw new IllegalStateException("system property st4j.shared.data is not set (the parent pom sets it)");
        }
        return Path.of(p);
    }

    public static ReferenceFixture load(String name) {
        Path folder = sharedData().resolve("reference-models").resolve(name);
        ObjectMapper json = new ObjectMapper();
        try {
            JsonNode config = json.readTree(folder.resolve("config.json").toFile());
            JsonNode io = json.readTree(folder.resolve("inputs_and_outputs.json").toFile());
            List<Variant> variants = new ArrayList<>();
            for (JsonNode v : io.get("variants")) {
                variants.add(Variant.of(v));
            }
            return new ReferenceFixture(folder, config, variants);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of fixture {@code name} in a new folder under {@code dir}: its config edited by {@code editConfig},
     * each tensor renamed by {@code rename} (null drops it) and stored as {@code dtype}.
     */
    public static Path copy(Path dir, String name, Consumer<ObjectNode> editConfig, UnaryOperator<String> rename,
            DType dtype) throws IOException {
        ReferenceFixture f = load(name);
        ObjectNode config = f.config().deepCopy();
        editConfig.accept(config);
        Path folder = Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
        new ObjectMapper().writeValue(folder.resolve("config.json").toFile(), config);
        SafetensorsFile weights = SafetensorsFile.open(f.folder());
        Map<String, SafetensorsWriter.Entry> tensors = new LinkedHashMap<>();
        for (String n : weights.names()) {
            String renamed = rename.apply(n);
            if (renamed != null) {
                Tensor t = weights.get(n);
                tensors.put(renamed, new SafetensorsWriter.Entry(t.shape(), t.toFloatArray()));
            }
        }
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, dtype);
        return folder;
    }

    /** One recorded batch: its inputs, the position ids the model used and its outputs. */
    public record Variant(String name, TokenBatch batch, long[][] positionIds, float[][][] hidden, JsonNode raw) {

        static Variant of(JsonNode v) {
            long[][] ids = longs(v.get("input_ids"));
            long[][] mask = longs(v.get("attention_mask"));
            int rows = ids.length;
            int seq = ids[0].length;
            long[] flatIds = new long[rows * seq];
            long[] flatMask = new long[rows * seq];
            long[] types = new long[rows * seq];
            long[][] recordedTypes = v.has("token_type_ids") ? longs(v.get("token_type_ids")) : null;
            int[] lengths = new int[rows];
            for (int b = 0; b < rows; b++) {
                for (int p = 0; p < seq; p++) {
                    flatIds[b * seq + p] = ids[b][p];
                    flatMask[b * seq + p] = mask[b][p];
                    types[b * seq + p] = recordedTypes == null ? 0 : recordedTypes[b][p];
                    lengths[b] += (int) mask[b][p];
                }
            }
            JsonNode h = v.get("last_hidden_state");
            float[][][] hidden = new float[h.size()][][];
            for (int b = 0; b < h.size(); b++) {
                hidden[b] = new float[h.get(b).size()][];
                for (int p = 0; p < h.get(b).size(); p++) {
                    hidden[b][p] = floats(h.get(b).get(p));
                }
            }
            return new Variant(v.path("name").asText(), new TokenBatch(rows, seq, flatIds, flatMask, types, lengths),
                    longs(v.get("position_ids")), hidden, v);
        }

        public boolean real(int b, int p) {
            return batch.attentionMask()[b * batch.seqLength() + p] != 0;
        }

        /** The names of the pooled vectors recorded, e.g. {@code mean_pooled}. */
        public List<String> pooledKinds() {
            List<String> kinds = new ArrayList<>();
            raw.fieldNames().forEachRemaining(k -> {
                if (k.endsWith("_pooled")) {
                    kinds.add(k);
                }
            });
            return kinds;
        }

        public float[] recordedPooled(String kind, int b) {
            return floats(raw.get(kind).get(b));
        }

        /**
         * Row {@code b} of {@code out} ({@code [batch, seq, hidden]}) pooled as the reference's README describes
         * {@code kind}: mean over real tokens, the first token (cls), or the last real token.
         */
        public float[] pool(String kind, float[] out, int hidden, int b) {
            int seq = batch.seqLength();
            float[] pooled = new float[hidden];
            switch (kind) {
                case "mean_pooled" -> {
                    int n = 0;
                    for (int p = 0; p < seq; p++) {
                        if (real(b, p)) {
                            n++;
                            for (int i = 0; i < hidden; i++) {
                                pooled[i] += out[(b * seq + p) * hidden + i];
                            }
                        }
                    }
                    for (int i = 0; i < hidden; i++) {
                        pooled[i] /= Math.max(n, 1);
                    }
                }
                case "cls_pooled" -> System.arraycopy(out, b * seq * hidden, pooled, 0, hidden);
                case "last_token_pooled" -> {
                    int last = seq - 1;
                    while (!real(b, last)) {
                        last--;
                    }
                    System.arraycopy(out, (b * seq + last) * hidden, pooled, 0, hidden);
                }
                default -> throw new AssertionError("unknown pooled entry " + kind);
            }
            return pooled;
        }
    }

    static long[][] longs(JsonNode n) {
        long[][] out = new long[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            out[i] = new long[n.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = n.get(i).get(j).asLong();
            }
        }
        return out;
    }

    static float[] floats(JsonNode n) {
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }
}
