package dev.st4j;

import static dev.st4j.testing.TestModels.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.pipeline.Router;
import dev.st4j.pipeline.StaticEmbedding;
import dev.st4j.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Router (SPEC 1.8) on a query/document model built here: two StaticEmbedding routes whose tables put token
 * {@code t} at {@code [t, 0]} (query) and {@code [0, t]} (document). "a b" has ids 4 and 5, so the query route
 * gives their mean [4.5, 0] and the document route [0, 4.5].
 */
class RouterTest {
    static final float[] QUERY = {4.5f, 0f};
    static final float[] DOCUMENT = {0f, 4.5f};

    @TempDir
    Path tmp;

    Path routerModel(String type, Map<String, String> mappings, String defaultRoute) {
        Path root = tmp.resolve("router");
        TestModels.staticEmbedding(root.resolve("query_0_StaticEmbedding"), TestModels.table(2, (t, k) -> k == 0 ? t : 0));
        TestModels.staticEmbedding(root.resolve("document_0_StaticEmbedding"),
                TestModels.table(2, (t, k) -> k == 1 ? t : 0));
        ObjectNode cfg = JSON.createObjectNode();
        cfg.putObject("types").put("query_0_StaticEmbedding", "sentence_transformers.models.StaticEmbedding")
                .put("document_0_StaticEmbedding",
                        "sentence_transformers.sentence_transformer.modules.static_embedding.StaticEmbedding");
        ObjectNode structure = cfg.putObject("structure");
        structure.putArray("query").add("query_0_StaticEmbedding");
        structure.putArray("document").add("document_0_StaticEmbedding");
        ObjectNode params = cfg.putObject("parameters");
        params.put("default_route", defaultRoute);
        params.put("allow_empty_key", true);
        ObjectNode maps = params.putObject("route_mappings");
        mappings.forEach(maps::put);
        TestModels.writeJson(root.resolve("router_config.json"), cfg);
        TestModels.modules(root, "", type);
        return root;
    }

    @Test
    void encodeQueryAndEncodeDocumentTakeTheirRoutesAndPlainEncodeTheDefault() {
        try (SentenceTransformer m = SentenceTransformer.load(routerModel(
                "sentence_transformers.base.modules.router.Router", Map.of(), "document"))) {
            assertArrayEquals(QUERY, m.encodeQuery("a b"), 1e-6f);
            assertArrayEquals(DOCUMENT, m.encodeDocument("a b"), 1e-6f);
            assertArrayEquals(DOCUMENT, m.encode("a b"), 1e-6f);
            assertArrayEquals(QUERY, m.encode("a b", EncodeOptions.builder().task("query").build()), 1e-6f);
            assertEquals(2, m.getEmbeddingDimension());
            assertTrue(m.getMaxSeqLength().isEmpty(), "StaticEmbedding has no max length (Python: math.inf)");
        }
    }

    @Test
    void anUnknownTaskIsAnErrorListingTheRoutes() {
        try (SentenceTransformer m = SentenceTransformer.load(routerModel("sentence_transformers.models.Asym",
                Map.of(), null))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.encode("a b", EncodeOptions.builder().task("summary").build()));
            assertEquals("No route found for task type 'summary'. Available routes: task='query' and "
                    + "task='document'", e.getMessage());
            // allow_empty_key with no default route: the first route answers calls without a task
            assertArrayEquals(QUERY, m.encode("a b"), 1e-6f);
        }
    }

    @Test
    void withoutADefaultRouteACallWithoutATaskIsAnError() throws IOException {
        Path root = routerModel("sentence_transformers.models.Router", Map.of(), null);
        ObjectNode cfg = (ObjectNode) JSON.readTree(root.resolve("router_config.json").toFile());
        ((ObjectNode) cfg.get("parameters")).put("allow_empty_key", false);
        TestModels.writeJson(root.resolve("router_config.json"), cfg);
        try (SentenceTransformer m = SentenceTransformer.load(root)) {
            assertArrayEquals(DOCUMENT, m.encodeDocument("a b"), 1e-6f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.encode("a b"));
            assertTrue(e.getMessage().startsWith("Could not determine route for task=None, modality='text'. "
                    + "Available routes: task='query' and task='document'"), e.getMessage());
        }
    }

    @Test
    void routeMappingsWinOverRouteNamesInSpecOrder() {
        try (SentenceTransformer m = SentenceTransformer.load(routerModel("sentence_transformers.models.Router",
                Map.of("('query', None)", "document", "(None, None)", "query"), "document"))) {
            assertArrayEquals(DOCUMENT, m.encodeQuery("a b"), 1e-6f); // (task, None) beats the route name
            assertArrayEquals(QUERY, m.encode("a b"), 1e-6f); // (None, None) beats the default route
            assertArrayEquals(QUERY, m.encodeDocument("a b"), 1e-6f); // ('document', 'text') absent: (None, None)
        }
    }

    @Test
    void saveThenLoadGivesTheSameVectorsAndPythonsLayout() throws IOException {
        Path out = tmp.resolve("saved");
        Path src = routerModel("sentence_transformers.models.Router", Map.of("('query', 'text')", "query"), "document");
        try (SentenceTransformer m = SentenceTransformer.load(src)) {
            m.save(out);
        }
        JsonNode modules = JSON.readTree(out.resolve("modules.json").toFile());
        assertEquals(1, modules.size());
        assertEquals("", modules.get(0).get("path").asText(), "a first Router is saved in the root");
        assertEquals("sentence_transformers.models.Router", modules.get(0).get("type").asText());
        JsonNode cfg = JSON.readTree(out.resolve("router_config.json").toFile());
        assertEquals("sentence_transformers.models.StaticEmbedding",
                cfg.path("types").path("query_0_StaticEmbedding").asText());
        assertEquals("document_0_StaticEmbedding", cfg.path("structure").path("document").path(0).asText());
        assertEquals("document", cfg.path("parameters").path("default_route").asText());
        assertEquals("query", cfg.path("parameters").path("route_mappings").path("('query', 'text')").asText());
        assertTrue(Files.isRegularFile(out.resolve("query_0_StaticEmbedding/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("document_0_StaticEmbedding/tokenizer.json")));
        try (SentenceTransformer m = SentenceTransformer.load(out)) {
            assertArrayEquals(QUERY, m.encodeQuery("a b"), 1e-6f);
            assertArrayEquals(DOCUMENT, m.encodeDocument("a b"), 1e-6f);
        }
    }

    @Test
    void aRouterBuiltInCodeRoutesAndSaves() throws IOException {
        Path q = TestModels.staticEmbedding(tmp.resolve("q"), TestModels.table(2, (t, k) -> k == 0 ? t : 0));
        Path d = TestModels.staticEmbedding(tmp.resolve("d"), TestModels.table(2, (t, k) -> k == 1 ? t : 0));
        Path out = tmp.resolve("built");
        try (SentenceTransformer m = SentenceTransformer.of(Router.forQueryDocument(
                List.of(StaticEmbedding.load(q)), List.of(StaticEmbedding.load(d))))) {
            assertArrayEquals(QUERY, m.encodeQuery("a b"), 1e-6f);
            assertArrayEquals(DOCUMENT, m.encode("a b"), 1e-6f);
            m.save(out);
        }
        try (SentenceTransformer m = SentenceTransformer.load(out)) {
            assertArrayEquals(QUERY, m.encodeQuery("a b"), 1e-6f);
            assertArrayEquals(DOCUMENT, m.encodeDocument("a b"), 1e-6f);
        }
    }
}
