package dev.st4j;

import static dev.st4j.testing.TestModels.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.backend.BackendOptions;
import dev.st4j.pipeline.Dense;
import dev.st4j.pipeline.Normalize;
import dev.st4j.pipeline.Pooling;
import dev.st4j.pipeline.Transformer;
import dev.st4j.testing.FakeBackend;
import dev.st4j.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SentenceTransformer contract of the seeds on models built here and run by {@link FakeBackend}, whose token
 * embeddings are known: token id t is (t+1)·[1, 2]. With ids [CLS]=2 [SEP]=3 a=4 b=5 c=6 d=7, "a" is
 * [CLS] a [SEP] = vectors [3,6], [5,10], [4,8]: CLS [3,6], mean [4,8], last token [4,8].
 */
class ModelContractTest {
    @TempDir
    Path tmp;

    Path plain(String name, String architecture, Map<String, Object> hf, Map<String, Object> tok) {
        return TestModels.transformerFolder(tmp.resolve(name), architecture, 2, hf, tok);
    }

    /** Transformer + Pooling(modes) over a plain folder. */
    Path pooled(String name, Map<String, Object> tok, String... modes) {
        Path dir = plain(name, "BertModel", Map.of(), tok);
        var pooling = JSON.createObjectNode().put("embedding_dimension", 2);
        var list = pooling.putArray("pooling_mode");
        for (String m : modes) {
            list.add(m);
        }
        TestModels.writeJson(dir.resolve("1_Pooling/config.json"), pooling);
        TestModels.modules(dir, "", "sentence_transformers.models.Transformer", "1_Pooling",
                "sentence_transformers.base.modules.pooling.Pooling");
        return dir;
    }

    // ---------------------------------------------------------------- loading rules (SPEC 1.9)

    @Test
    void aCausalLmFolderWithoutModulesJsonGetsLastTokenPooling() {
        try (SentenceTransformer m = SentenceTransformer.load(plain("llama", "LlamaForCausalLM", Map.of(), Map.of()))) {
            assertArrayEquals(new float[] {4, 8}, m.encode("a b"), 1e-6f); // last token [SEP] = 3 -> 4·[1,2]
            assertEquals(List.of("Transformer", "Pooling(lasttoken)"),
                    m.describeModules().stream().map(s -> s.replaceAll("Transformer\\(.*", "Transformer")).toList());
        }
        try (SentenceTransformer m = SentenceTransformer.load(plain("bidi", "LlamaForCausalLM",
                Map.of("is_causal", false), Map.of()))) {
            assertArrayEquals(new float[] {4.5f, 9}, m.encode("a b"), 1e-6f); // mean of 3, 5, 6, 4
        }
        try (SentenceTransformer m = SentenceTransformer.load(plain("bert", "BertLMHeadModel", Map.of(), Map.of()))) {
            assertArrayEquals(new float[] {4.5f, 9}, m.encode("a b"), 1e-6f);
        }
    }

    @Test
    void leftPaddingGivesTheSameVectorsAsRightPaddingForClsMeanAndLastToken() {
        List<String> texts = List.of("a", "a b c d", "b c");
        // "a": cls 3, mean 4, last 4; "a b c d": cls 3, mean (3+5+6+7+8+4)/6 = 5.5, last 4; "b c": 3, (3+6+7+4)/4, 4
        float[][] expected = {{3, 6, 4, 8, 4, 8}, {3, 6, 5.5f, 11, 4, 8}, {3, 6, 5, 10, 4, 8}};
        for (String side : List.of("right", "left")) {
            try (SentenceTransformer m = SentenceTransformer.load(pooled(side, Map.of("padding_side", side),
                    "cls", "mean", "lasttoken"))) {
                FloatMatrix e = m.encode(texts);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(expected[i], e.row(i), 1e-5f, side + " padding, text " + i);
                }
                assertEquals(side.equals("left"), m.getTokenizer().padsLeft());
            }
        }
    }

    @Test
    void tokenOutputsTrimOnlyTrailingPaddingAsPythonDoes() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("left", Map.of("padding_side", "left"), "mean"))) {
            List<EncodedText> out = m.encodeAll(List.of("a", "a b c"), EncodeOptions.defaults());
            // "a" shares a batch with a 5-token text: left-padded, its two leading pads stay in
            assertArrayEquals(new long[] {0, 0, 1, 1, 1}, out.get(0).attentionMask());
            assertArrayEquals(new long[] {0, 0, 2, 4, 3}, out.get(0).inputIds());
            assertArrayEquals(new float[] {5, 10}, out.get(0).tokenEmbeddings().row(3), 1e-6f);
        }
    }

    @Test
    void outputValueAllGivesEachTextItsTokensIdsMaskAndTheSentenceEmbedding() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("right", Map.of(), "mean"))) {
            List<String> texts = List.of("a b c", "d");
            List<EncodedText> all = m.encodeAll(texts, EncodeOptions.defaults());
            assertEquals(5, all.get(0).tokenCount());
            assertArrayEquals(new long[] {2, 4, 5, 6, 3}, all.get(0).inputIds());
            assertArrayEquals(new long[] {1, 1, 1, 1, 1}, all.get(0).attentionMask());
            assertArrayEquals(new long[] {2, 7, 3}, all.get(1).inputIds());
            assertArrayEquals(new int[] {3, 2}, all.get(1).tokenEmbeddings().shape());
            assertArrayEquals(new float[] {8, 16}, all.get(1).tokenEmbeddings().row(1), 1e-6f); // d = 7 -> 8·[1,2]
            FloatMatrix sentences = m.encode(texts);
            assertArrayEquals(sentences.row(0), all.get(0).sentenceEmbedding(), 0f);
            assertArrayEquals(new float[] {5, 10}, all.get(1).sentenceEmbedding(), 1e-6f); // mean of 3, 8, 4
            assertThrows(IllegalArgumentException.class, () -> m.encode(texts,
                    EncodeOptions.builder().outputValue(OutputValue.ALL).build()));
        }
    }

    @Test
    void truncationSideLeftDropsTheFirstTokensAndKeepsTheSpecialOnes() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("cut", Map.of("truncation_side", "left",
                "model_max_length", 4), "mean"))) {
            assertEquals(List.of("[CLS]", "c", "d", "[SEP]"), m.tokens("a b c d"));
            assertEquals(4, m.getMaxSeqLength().getAsInt());
        }
        try (SentenceTransformer m = SentenceTransformer.load(pooled("cut-right", Map.of("model_max_length", 4),
                "mean"))) {
            assertEquals(List.of("[CLS]", "a", "b", "[SEP]"), m.tokens("a b c d"));
        }
    }

    @Test
    void sentencePairsAreSegmentsAAndB() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("pairs", Map.of(), "mean"))) {
            FloatMatrix e = m.encodePairs(List.of(new TextPair("a", "b")), EncodeOptions.defaults());
            assertArrayEquals(new float[] {4.4f, 8.8f}, e.row(0), 1e-5f); // [CLS] a [SEP] b [SEP]: 3,5,4,6,4
        }
    }

    // ---------------------------------------------------------------- model state (seed 000, 003)

    @Test
    void promptsAndTheDefaultPromptNameAreSettableAndValidated() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("p", Map.of(), "mean"))) {
            assertEquals(Map.of("query", "", "document", ""), m.getPrompts());
            m.setPrompts(Map.of("retrieval", "a "));
            m.setDefaultPromptName("retrieval");
            // "b" alone: [CLS] b [SEP] = 3, 6, 4; with the default prompt "a b": 3, 5, 6, 4
            assertArrayEquals(new float[] {13f / 3, 26f / 3},
                    m.encode("b", EncodeOptions.builder().prompt("").build()), 1e-5f);
            assertArrayEquals(new float[] {4.5f, 9}, m.encode("b"), 1e-5f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.setDefaultPromptName("query"));
            assertTrue(e.getMessage().contains("'query'") && e.getMessage().contains("[retrieval]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.setPrompts(Map.of("other", "x")),
                    "the default prompt name must stay one of the prompts");
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> m.encode("a", EncodeOptions.builder().promptName("nope").build()));
            assertTrue(unknown.getMessage().contains("[retrieval]"), unknown.getMessage());
        }
    }

    @Test
    void poolingCanExcludeThePromptTokens() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("ip", Map.of(), "mean"))) {
            EncodeOptions prompt = EncodeOptions.builder().prompt("a ").build();
            // "a b c" = [CLS] a b c [SEP]: prompt length 2 ([CLS] a); with the prompt: mean of 3,5,6,7,4 = 5
            assertArrayEquals(new float[] {5, 10}, m.encode("b c", prompt), 1e-5f);
            m.setPoolingIncludePrompt(false);
            assertArrayEquals(new float[] {17f / 3, 34f / 3}, m.encode("b c", prompt), 1e-5f); // 6, 7, 4
        }
    }

    @Test
    void scopedTruncationRestoresThePreviousValueEvenWhenTheBodyThrows() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("t", Map.of(), "cls", "mean"))) {
            assertEquals(4, m.getEmbeddingDimension());
            m.setTruncateDim(3);
            try (var scope = m.truncateEmbeddings(1)) {
                assertEquals(1, m.getEmbeddingDimension());
                assertArrayEquals(new float[] {3}, m.encode("a"), 1e-6f);
            }
            assertEquals(3, m.getTruncateDim());
            assertThrows(IllegalStateException.class, () -> {
                try (var scope = m.truncateEmbeddings(2)) {
                    throw new IllegalStateException("body fails");
                }
            });
            assertEquals(3, m.getTruncateDim());
            assertEquals(3, m.getSentenceEmbeddingDimension());
            assertThrows(IllegalArgumentException.class, () -> m.truncateEmbeddings(0));
        }
    }

    @Test
    void precisionThroughEncodeEqualsQuantizingTheFloatResult() {
        try (SentenceTransformer m = SentenceTransformer.load(pooled("q", Map.of(), "cls", "mean"))) {
            List<String> texts = List.of("a", "a b c d", "e", "b c");
            FloatMatrix floats = m.encode(texts);
            for (Precision p : List.of(Precision.INT8, Precision.UINT8, Precision.BINARY, Precision.UBINARY)) {
                QuantizedEmbeddings q = m.encodeQuantized(texts, EncodeOptions.builder().precision(p)
                        .batchSize(1).build());
                assertEquals(p, q.precision());
                assertArrayEquals(Quantization.quantize(floats, p).toByteArray(), q.toByteArray(), p.pythonName());
            }
            assertThrows(IllegalArgumentException.class, () -> m.encode(texts, EncodeOptions.builder()
                    .precision("int8").build()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EncodeOptions.builder().precision("float16"));
            assertTrue(e.getMessage().contains("'float16'"), e.getMessage());
        }
    }

    @Test
    void closedModelsRefuseToEncode() {
        SentenceTransformer m = SentenceTransformer.load(pooled("c", Map.of(), "mean"));
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.encode("a"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void closingWhileAnotherThreadEncodesFailsThatCallAndFreesNothingUnderIt() throws Exception {
        SentenceTransformer m = SentenceTransformer.load(pooled("race", Map.of(), "mean"));
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FakeBackend.pauseNext = new java.util.concurrent.CountDownLatch[] {entered, release};
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var encode = pool.submit(() -> m.encode(List.of("a b", "c"), EncodeOptions.builder().batchSize(1).build()));
            assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
            var close = pool.submit(m::close);
            Thread.sleep(100); // let close() start: it must wait for the running call
            assertFalse(close.isDone(), "close waits while a batch runs");
            release.countDown();
            var e = assertThrows(java.util.concurrent.ExecutionException.class, encode::get);
            assertTrue(e.getCause() instanceof IllegalStateException
                    && e.getCause().getMessage().contains("closed"), String.valueOf(e.getCause()));
            close.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            FakeBackend.pauseNext = null;
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- bad configs

    @Test
    void aLyingPoolingDimensionIsATypedErrorNamingTheFileAndKey() {
        Path dir = pooled("lie", Map.of(), "mean");
        TestModels.writeJson(dir.resolve("1_Pooling/config.json"), JSON.createObjectNode()
                .put("word_embedding_dimension", 3).put("pooling_mode_mean_tokens", true));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("1_Pooling") && e.getMessage().contains("word_embedding_dimension"),
                e.getMessage());
    }

    @Test
    void aHiddenSizeTheWeightsDoNotHaveIsATypedError() throws IOException {
        Path dir = pooled("hidden", Map.of(), "mean");
        Files.writeString(dir.resolve(FakeBackend.WEIGHTS), "3");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
    }

    @Test
    void unknownSimilarityAndNonPositiveTruncateDimInAConfigAreErrors() {
        Path dir = pooled("cfg", Map.of(), "mean");
        TestModels.writeJson(dir.resolve("config_sentence_transformers.json"),
                JSON.createObjectNode().put("similarity_fn_name", "jaccard"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("similarity_fn_name") && e.getMessage().contains("jaccard"), e.getMessage());
        TestModels.writeJson(dir.resolve("config_sentence_transformers.json"),
                JSON.createObjectNode().put("truncate_dim", 0));
        e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("truncate_dim"), e.getMessage());
    }

    @Test
    void loadingAMissingPathNamesItAndNeverAsksTheHub() {
        Path missing = tmp.resolve("sentence-transformers/all-MiniLM-L6-v2");
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> SentenceTransformer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    // ---------------------------------------------------------------- modules= and save (SPEC 6)

    @Test
    void aModelBuiltFromModulesSavesAndReloadsToTheSameVectors() throws IOException {
        Path hf = plain("hf", "BertModel", Map.of(), Map.of());
        Transformer t = Transformer.load(hf, null, new BackendOptions(1, null));
        // Dense [[1, 0], [1, 1]] + [0, 1], identity: cls [3, 6] -> [3, 10]
        Dense dense = Dense.of(new float[][] {{1, 0}, {1, 1}}, new float[] {0, 1}, Dense.Activation.IDENTITY);
        Path out = tmp.resolve("saved");
        float[] before;
        try (SentenceTransformer m = SentenceTransformer.of(t, new Pooling(2, List.of(Pooling.Mode.CLS), true), dense,
                new Normalize())) {
            before = m.encode("a");
            float norm = (float) Math.sqrt(9 + 100);
            assertArrayEquals(new float[] {3 / norm, 10 / norm}, before, 1e-6f);
            m.setPrompts(Map.of("query", "query: ", "document", "", "passage", "b "));
            m.setDefaultPromptName("passage");
            m.setSimilarityFunction(SimilarityFunction.DOT_PRODUCT);
            m.setTruncateDim(2);
            m.save(out);
        }
        JsonNode modules = JSON.readTree(out.resolve("modules.json").toFile());
        assertEquals(List.of("", "1_Pooling", "2_Dense", "3_Normalize"),
                List.of(modules.get(0).get("path").asText(), modules.get(1).get("path").asText(),
                        modules.get(2).get("path").asText(), modules.get(3).get("path").asText()));
        assertEquals("sentence_transformers.models.Dense", modules.get(2).get("type").asText());
        JsonNode dcfg = JSON.readTree(out.resolve("2_Dense/config.json").toFile());
        assertEquals(2, dcfg.get("in_features").asInt());
        assertEquals("torch.nn.modules.linear.Identity", dcfg.get("activation_function").asText());
        assertTrue(dcfg.get("bias").asBoolean());
        JsonNode pcfg = JSON.readTree(out.resolve("1_Pooling/config.json").toFile());
        assertTrue(pcfg.get("pooling_mode_cls_token").asBoolean());
        assertFalse(pcfg.get("pooling_mode_mean_tokens").asBoolean());
        JsonNode st = JSON.readTree(out.resolve("config_sentence_transformers.json").toFile());
        assertEquals("dot", st.get("similarity_fn_name").asText());
        assertEquals("passage", st.get("default_prompt_name").asText());
        assertEquals("b ", st.get("prompts").get("passage").asText());
        assertEquals(2, st.get("truncate_dim").asInt());
        assertEquals("2.0.0", st.get("__version__").get("sentence_transformers").asText());
        assertEquals(List.of("__version__", "default_prompt_name", "model_type", "prompts", "similarity_fn_name",
                "truncate_dim"), iterate(st.fieldNames()));
        JsonNode sbert = JSON.readTree(out.resolve("sentence_bert_config.json").toFile());
        assertEquals(512, sbert.get("max_seq_length").asInt());
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.startsWith("---\n"), card);
        for (String field : List.of("library_name: sentence-transformers", "pipeline_tag: sentence-similarity",
                "- **Maximum Sequence Length:** 512 tokens", "- **Output Dimensionality:** 2 dimensions",
                "- **Similarity Function:** Dot Product", "Dense(2 -> 2, identity)")) {
            assertTrue(card.contains(field), field + " in\n" + card);
        }
        try (SentenceTransformer m = SentenceTransformer.load(out)) {
            assertEquals(SimilarityFunction.DOT, m.getSimilarityFunction());
            assertEquals("passage", m.getDefaultPromptName());
            // the default prompt "b " now applies: "b a" = [CLS] b a [SEP], cls is still [CLS]
            assertArrayEquals(before, m.encode("a"), 1e-6f);
            assertArrayEquals(before, m.encode("a", EncodeOptions.builder().prompt("").build()), 1e-6f);
        }
    }

    @Test
    void aLoadedModelCardIsKeptWithTheModelIdFilledIn() throws IOException {
        Path dir = pooled("card", Map.of(), "mean");
        Files.writeString(dir.resolve("README.md"), "# my card\nSentenceTransformer(\"sentence_transformers_model_id\")\n");
        Path out = tmp.resolve("card-out");
        try (SentenceTransformer m = SentenceTransformer.load(dir)) {
            m.savePretrained(out, "me/model", true);
        }
        assertEquals("# my card\nSentenceTransformer(\"me/model\")\n", Files.readString(out.resolve("README.md")));
        Path noCard = tmp.resolve("no-card");
        try (SentenceTransformer m = SentenceTransformer.load(dir)) {
            m.savePretrained(noCard, null, false);
        }
        assertFalse(Files.exists(noCard.resolve("README.md")));
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
