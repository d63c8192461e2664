package dev.st4j.engine.rotary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.backend.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code reference-models/<arch>/} folder of the shared data: a tiny random model saved by transformers, the
 * batches it was run on and what it computed. Shapes and sizes come from the files, never from the test.
 */
record ReferenceFixture(Path folder, JsonNode config, List<Variant> variants) {

    static Path sharedData() {
        String p = System.getProperty("st4j.shared.data");
        if (p == null) {
            throw new IllegalStateException("system property st4j.shared.data is not set (the parent pom sets it)");
        }
        return Path.of(p);
    }

    static ReferenceFixture load(String name) {
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

    static boolean exists(String name) {
        return Files.isRegularFile(sharedData().resolve("reference-models").resolve(name)
                .resolve("inputs_and_outputs.json"));
    }

    /** One recorded batch: its inputs, the position ids the model used and its outputs. */
    record Variant(String name, TokenBatch batch, long[][] positionIds, float[][][] hidden, JsonNode raw) {

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

        boolean real(int b, int p) {
            return batch.attentionMask()[b * batch.seqLength() + p] != 0;
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
