package dev.st4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small model folders written by tests, in the Hugging Face layout, with a word-level tokenizer whose ids are
 * known: {@code [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 a=4 b=5 c=6 d=7 e=8}, whitespace-split, BERT's
 * {@code [CLS] A [SEP] (B [SEP])} template.
 */
public final class TestModels {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b", "c", "d", "e");

    private TestModels() {}

    /** The id of a token of {@link #VOCAB}. */
    public static int id(String token) {
        return VOCAB.indexOf(token);
    }

    public static void writeJson(Path file, Object node) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code tokenizer.json} into {@code dir}. */
    public static void tokenizer(Path dir) {
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        t.putNull("truncation");
        t.putNull("padding");
        ArrayNode added = t.putArray("added_tokens");
        for (int i = 0; i < 4; i++) {
            added.addObject().put("id", i).put("content", VOCAB.get(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        t.putNull("normalizer");
        t.putObject("pre_tokenizer").put("type", "Whitespace");
        ObjectNode post = t.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of("[CLS]", "[SEP]")) {
            ObjectNode n = specials.putObject(s);
            n.put("id", s);
            n.putArray("ids").add(id(s));
            n.putArray("tokens").add(s);
        }
        t.putNull("decoder");
        ObjectNode model = t.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < VOCAB.size(); i++) {
            vocab.put(VOCAB.get(i), i);
        }
        model.put("unk_token", "[UNK]");
        writeJson(dir.resolve("tokenizer.json"), t);
    }

    /**
     * A plain Hugging Face folder run by {@link FakeBackend}: config.json ({@code architectures}, hidden size),
     * tokenizer.json, tokenizer_config.json (with {@code padding_side}, and {@code extraConfig} merged).
     */
    public static Path transformerFolder(Path dir, String architecture, int hidden, Map<String, Object> hfConfig,
            Map<String, Object> tokenizerConfig) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.putArray("architectures").add(architecture);
        cfg.put("hidden_size", hidden);
        cfg.put("max_position_embeddings", 512);
        hfConfig.forEach((k, v) -> cfg.set(k, JSON.valueToTree(v)));
        writeJson(dir.resolve("config.json"), cfg);
        tokenizer(dir);
        ObjectNode tc = JSON.createObjectNode();
        tc.put("pad_token", "[PAD]");
        tokenizerConfig.forEach((k, v) -> tc.set(k, JSON.valueToTree(v)));
        writeJson(dir.resolve("tokenizer_config.json"), tc);
        try {
            Files.writeString(dir.resolve(FakeBackend.WEIGHTS), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static void special(ArrayNode list, String token, int typeId) {
        list.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode list, String id, int typeId) {
        list.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }

    /** A StaticEmbedding folder: tokenizer.json and {@code embedding.weight} = {@code table} ([vocab][dim]). */
    public static Path staticEmbedding(Path dir, float[][] table) {
        tokenizer(dir);
        safetensors(dir.resolve("model.safetensors"), Map.of("embedding.weight", table));
        return dir;
    }

    /** A table of {@link #VOCAB}'s size where row {@code t} is {@code f(t, k)}. */
    public static float[][] table(int dim, java.util.function.IntBinaryOperator f) {
        float[][] t = new float[VOCAB.size()][dim];
        for (int i = 0; i < t.length; i++) {
            for (int k = 0; k < dim; k++) {
                t[i][k] = f.applyAsInt(i, k);
            }
        }
        return t;
    }

    public static void safetensors(Path file, Map<String, Object> tensors) {
        Map<String, SafetensorsWriter.Entry> entries = new LinkedHashMap<>();
        tensors.forEach((name, v) -> {
            if (v instanceof float[][] m) {
                float[] flat = new float[m.length * m[0].length];
                for (int i = 0; i < m.length; i++) {
                    System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
                }
                entries.put(name, new SafetensorsWriter.Entry(new long[] {m.length, m[0].length}, flat));
            } else {
                float[] a = (float[]) v;
                entries.put(name, new SafetensorsWriter.Entry(new long[] {a.length}, a));
            }
        });
        try {
            Files.createDirectories(file.getParent());
            SafetensorsWriter.write(file, entries, DType.F32);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code modules.json} from (path, type) pairs. */
    public static void modules(Path dir, String... pathAndType) {
        ArrayNode a = JSON.createArrayNode();
        for (int i = 0; i < pathAndType.length; i += 2) {
            a.addObject().put("idx", i / 2).put("name", Integer.toString(i / 2)).put("path", pathAndType[i])
                    .put("type", pathAndType[i + 1]);
        }
        writeJson(dir.resolve("modules.json"), a);
    }
}
