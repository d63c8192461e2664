package dev.st4j.engine.rotary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model folders laid out like Qwen3-Embedding-0.6B's (Transformer, last-token Pooling, Normalize, a query prompt)
 * and EmbeddingGemma-300m's (Transformer, mean Pooling, Dense up, Dense down, Normalize, task prompts), built from
 * the tiny reference weights, load and encode through {@link SentenceTransformer} on the Java engine. The texts are
 * written so that a word-level {@code tokenizer.json} (one word per id of the tiny vocabulary, with the models'
 * special-token templates) gives back the recorded input ids; the expected embeddings are computed here from the
 * pooled vectors transformers recorded, through Dense and Normalize in double precision.
 */
class RotaryEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aQwen3EmbeddingFolderGivesTheNormalizedLastTokenOfTheReference() throws IOException {
        ReferenceFixture f = ReferenceFixture.load("qwen3");
        ReferenceFixture.Variant v = f.variants().get(0);
        Map<Long, String> special = Map.of(2L, "<|endoftext|>");
        Path folder = transformerFolder(f, special, List.of(), List.of("<|endoftext|>"), "<|endoftext|>");
        writeModules(folder, List.of("Pooling", "Normalize"));
        pooling(folder.resolve("1_Pooling"), f, "lasttoken");
        List<Row> rows = rows(v, special, List.of(), List.of(2L));
        assertTrue(rows.size() >= 3, "rows that fit the ... <|endoftext|> template: " + rows.size());
        int hidden = f.config().get("hidden_size").asInt();
        Row prompted = rows.stream().filter(r -> r.words.size() > 3).findFirst().orElseThrow();
        prompts(folder, String.join(" ", prompted.words.subList(0, 2)) + " ", "");
        try (SentenceTransformer model = SentenceTransformer.load(folder,
                LoadOptions.builder().backend("java").build())) {
            assertTrue(model.describeBackend().startsWith("java (Qwen3, "), model.describeBackend());
            FloatMatrix embeddings = model.encode(rows.stream().map(Row::text).toList());
            for (int i = 0; i < rows.size(); i++) {
                float[] expected = normalize(toDouble(v.recordedPooled("last_token_pooled", rows.get(i).b)));
                assertArrayEquals(expected, embeddings.row(i), 1e-5f, "row " + rows.get(i).b);
            }
            System.out.printf("Qwen3-Embedding layout: %d texts and a prompted query match%n", rows.size());
            // The query prompt is the first two words of a recorded row: prompt + rest tokenizes back to that row.
            float[] query = model.encodeQuery(String.join(" ", prompted.words.subList(2, prompted.words.size())));
            assertArrayEquals(normalize(toDouble(v.recordedPooled("last_token_pooled", prompted.b))), query, 1e-5f);
            assertTrue(hidden == model.getSentenceEmbeddingDimension());
        }
    }

    @Test
    void anEmbeddingGemmaFolderGivesTheReferenceMeanThroughBothDenseLayers() throws IOException {
        ReferenceFixture f = ReferenceFixture.load("gemma3");
        ReferenceFixture.Variant v = f.variants().get(0);
        Map<Long, String> special = Map.of(0L, "<pad>", 1L, "<eos>", 2L, "<bos>");
        Path folder = transformerFolder(f, special, List.of("<bos>"), List.of("<eos>"), "<pad>");
        writeModules(folder, List.of("Pooling", "Dense", "Dense", "Normalize"));
        pooling(folder.resolve("1_Pooling"), f, "mean");
        int hidden = f.config().get("hidden_size").asInt();
        int up = 4 * hidden;
        Random random = new Random(5);
        double[][] dense1 = dense(folder.resolve("2_Dense"), hidden, up, random);
        double[][] dense2 = dense(folder.resolve("3_Dense"), up, hidden, random);
        List<Row> rows = rows(v, special, List.of(2L), List.of(1L));
        assertTrue(rows.size() >= 3, "rows that fit the <bos> ... <eos> template: " + rows.size());
        Row prompted = rows.stream().filter(r -> r.words.size() > 3).findFirst().orElseThrow();
        prompts(folder, String.join(" ", prompted.words.subList(0, 2)) + " ", "w5 ");
        try (SentenceTransformer model = SentenceTransformer.load(folder,
                LoadOptions.builder().backend("java").build())) {
            assertTrue(model.describeBackend().startsWith("java (Gemma3, "), model.describeBackend());
            FloatMatrix embeddings = model.encode(rows.stream().map(Row::text).toList());
            for (int i = 0; i < rows.size(); i++) {
                double[] mean = toDouble(v.recordedPooled("mean_pooled", rows.get(i).b));
                float[] expected = normalize(times(dense2, times(dense1, mean)));
                assertArrayEquals(expected, embeddings.row(i), 1e-5f, "row " + rows.get(i).b);
            }
            float[] query = model.encodeQuery(String.join(" ", prompted.words.subList(2, prompted.words.size())));
            double[] mean = toDouble(v.recordedPooled("mean_pooled", prompted.b));
            assertArrayEquals(normalize(times(dense2, times(dense1, mean))), query, 1e-5f);
            System.out.printf("EmbeddingGemma layout: %d texts and a prompted query match%n", rows.size());
        }
    }

    /**
     * A plain causal-LM folder as the hub holds Qwen3 LLMs (no modules.json, {@code Qwen3ForCausalLM},
     * {@code model.}-prefixed weights, the output head tied to the embeddings and stored only as
     * {@code lm_head.weight}): sentence-transformers' rule makes it Transformer + last-token Pooling.
     */
    @Test
    void aPlainQwen3CausalLmFolderPoolsTheLastToken() throws IOException {
        ReferenceFixture f = ReferenceFixture.load("qwen3");
        ReferenceFixture.Variant v = f.variants().get(0);
        Map<Long, String> special = Map.of(2L, "<|endoftext|>");
        Path folder = transformerFolder(f, special, List.of(), List.of("<|endoftext|>"), "<|endoftext|>");
        Path weights = ReferenceFixture.copy(dir, "qwen3", c -> {
            c.putArray("architectures").add("Qwen3ForCausalLM");
            c.put("tie_word_embeddings", true);
        }, n -> n.equals("embed_tokens.weight") ? "lm_head.weight" : "model." + n, DType.F32);
        Files.copy(weights.resolve("config.json"), folder.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(weights.resolve("model.safetensors"), folder.resolve("model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(folder.resolve("sentence_bert_config.json"));
        List<Row> rows = rows(v, special, List.of(), List.of(2L));
        try (SentenceTransformer model = SentenceTransformer.load(folder,
                LoadOptions.builder().backend("java").build())) {
            FloatMatrix embeddings = model.encode(rows.stream().map(Row::text).toList());
            for (int i = 0; i < rows.size(); i++) {
                assertArrayEquals(v.recordedPooled("last_token_pooled", rows.get(i).b), embeddings.row(i), 1e-5f,
                        "row " + rows.get(i).b);
            }
        }
    }

    /** A recorded row as text: its words between the template's special tokens. */
    record Row(int b, List<String> words) {
        String text() {
            return String.join(" ", words);
        }
    }

    /** The rows of {@code v} that the template ({@code prefix} ids, words, {@code suffix} ids) reproduces. */
    static List<Row> rows(ReferenceFixture.Variant v, Map<Long, String> special, List<Long> prefix, List<Long> suffix) {
        List<Row> rows = new ArrayList<>();
        int seq = v.batch().seqLength();
        long[] ids = v.batch().inputIds();
        for (int b = 0; b < v.batch().batchSize(); b++) {
            int first = v.batch().firstRealToken(b);
            int n = v.batch().lengths()[b];
            if (n < prefix.size() + suffix.size()) {
                continue;
            }
            boolean fits = true;
            for (int i = 0; i < prefix.size(); i++) {
                fits &= ids[b * seq + first + i] == prefix.get(i);
            }
            for (int i = 0; i < suffix.size(); i++) {
                fits &= ids[b * seq + first + n - suffix.size() + i] == suffix.get(i);
            }
            if (fits) {
                List<String> words = new ArrayList<>();
                for (int p = first + prefix.size(); p < first + n - suffix.size(); p++) {
                    words.add(word(ids[b * seq + p], special));
                }
                rows.add(new Row(b, words));
            }
        }
        return rows;
    }

    static String word(long id, Map<Long, String> special) {
        return special.getOrDefault(id, "w" + id);
    }

    /** config.json, model.safetensors, sentence_bert_config.json and a word-level tokenizer for the fixture. */
    Path transformerFolder(ReferenceFixture f, Map<Long, String> special, List<String> before, List<String> after,
            String pad) throws IOException {
        Path folder = ReferenceFixture.copy(dir, f.folder().getFileName().toString(), c -> {}, n -> n, DType.F32);
        Files.writeString(folder.resolve("sentence_bert_config.json"),
                "{\"max_seq_length\": 512, \"do_lower_case\": false}");
        int vocab = f.config().get("vocab_size").asInt();
        ObjectNode tokenizer = JSON.createObjectNode();
        tokenizer.put("version", "1.0");
        tokenizer.putNull("truncation");
        tokenizer.putNull("padding");
        ArrayNode added = tokenizer.putArray("added_tokens");
        special.forEach((id, content) -> added.addObject().put("id", id).put("content", content)
                .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                .put("special", true));
        tokenizer.putNull("normalizer");
        tokenizer.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
        ObjectNode post = tokenizer.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        ArrayNode pair = post.putArray("pair");
        for (String s : before) {
            single.addObject().putObject("SpecialToken").put("id", s).put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", s).put("type_id", 0);
        }
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        for (String s : after) {
            single.addObject().putObject("SpecialToken").put("id", s).put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", s).put("type_id", 0);
        }
        ObjectNode specials = post.putObject("special_tokens");
        special.forEach((id, content) -> {
            ObjectNode t = specials.putObject(content);
            t.put("id", content);
            t.putArray("ids").add(id);
            t.putArray("tokens").add(content);
        });
        tokenizer.putNull("decoder");
        ObjectNode model = tokenizer.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode words = model.putObject("vocab");
        for (long id = 0; id < vocab; id++) {
            words.put(word(id, special), id);
        }
        model.put("unk_token", "w3");
        JSON.writeValue(folder.resolve("tokenizer.json").toFile(), tokenizer);
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"pad_token\": \"" + pad
                + "\", \"padding_side\": \"left\", \"model_max_length\": 32768}");
        return folder;
    }

    static void writeModules(Path folder, List<String> after) throws IOException {
        ArrayNode modules = JSON.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        for (int i = 0; i < after.size(); i++) {
            String type = after.get(i);
            modules.addObject().put("idx", i + 1).put("name", String.valueOf(i + 1))
                    .put("path", (i + 1) + "_" + type).put("type", "sentence_transformers.models." + type);
            Files.createDirectories(folder.resolve((i + 1) + "_" + type));
        }
        JSON.writeValue(folder.resolve("modules.json").toFile(), modules);
    }

    static void pooling(Path folder, ReferenceFixture f, String mode) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("word_embedding_dimension", f.config().get("hidden_size").asInt());
        for (String m : new String[] {"cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens",
            "weightedmean_tokens", "lasttoken"}) {
            c.put("pooling_mode_" + m, m.equals(mode + "_tokens") || m.equals(mode));
        }
        c.put("include_prompt", true);
        JSON.writeValue(folder.resolve("config.json").toFile(), c);
    }

    static void prompts(Path folder, String query, String document) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.putObject("prompts").put("query", query).put("document", document);
        c.putNull("default_prompt_name");
        c.put("similarity_fn_name", "cosine");
        JSON.writeValue(folder.resolve("config_sentence_transformers.json").toFile(), c);
    }

    /** A bias-free identity-activation Dense (as EmbeddingGemma's) with random weights, returned in double. */
    static double[][] dense(Path folder, int in, int out, Random random) throws IOException {
        float[] w = new float[in * out];
        double[][] matrix = new double[out][in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = (float) (random.nextGaussian() / Math.sqrt(in));
                matrix[o][i] = w[o * in + i];
            }
        }
        Files.writeString(folder.resolve("config.json"), "{\"in_features\": " + in + ", \"out_features\": " + out
                + ", \"bias\": false, \"activation_function\": \"torch.nn.modules.linear.Identity\"}");
        Map<String, SafetensorsWriter.Entry> tensors = new LinkedHashMap<>();
        tensors.put("linear.weight", new SafetensorsWriter.Entry(new long[] {out, in}, w));
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, DType.F32);
        return matrix;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static double[] times(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int o = 0; o < m.length; o++) {
            for (int i = 0; i < x.length; i++) {
                y[o] += m[o][i] * x[i];
            }
        }
        return y;
    }

    static float[] normalize(double[] x) {
        double norm = 0;
        for (double v : x) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] / norm);
        }
        return out;
    }
}
