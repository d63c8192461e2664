package dev.st4j.spring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import java.util.function.Consumer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A plain Spring application (no web) whose only configuration is auto-configuration, found through this jar's
 * {@code AutoConfiguration.imports}, and st4j.* properties: an EmbeddingModel bean that reproduces sbert.net's numbers.
 */
class St4jAutoConfigurationTest {
    static final List<String> SEED = List.of(
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.");
    /** sbert.net's printed cosine matrix for these sentences (seed 000, README.md). */
    static final double[][] SEED_MATRIX = {{1.0000, 0.6660, 0.1046}, {0.6660, 1.0000, 0.1411},
            {0.1046, 0.1411, 1.0000}};

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    static void run(Consumer<ConfigurableApplicationContext> check, String... properties) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        String[] args = new String[properties.length];
        for (int i = 0; i < properties.length; i++) {
            args[i] = "--" + properties[i];
        }
        try (ConfigurableApplicationContext context = app.run(args)) {
            check.accept(context);
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void onlyTheModelPropertyYieldsAnEmbeddingModelWithTheSeedMatrix() {
        run(context -> {
            EmbeddingModel model = context.getBean(EmbeddingModel.class);
            List<float[]> e = model.embed(SEED);
            assertEquals(3, e.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(384, e.get(i).length);
                for (int j = 0; j < 3; j++) {
                    assertEquals(SEED_MATRIX[i][j], cosine(e.get(i), e.get(j)), 1e-4, i + "," + j);
                }
            }
            assertEquals(384, model.dimensions());
            assertArrayEquals(e.get(1), model.embed(new Document(SEED.get(1))), 1e-6f);
        }, "st4j.model=all-MiniLM-L6-v2", "st4j.threads=2");
    }

    @Test
    void optionsAskForDimensionsAndPropertiesSetNormalizationAndPrompts() {
        run(context -> {
            St4jSpringEmbeddingModel model = context.getBean(St4jSpringEmbeddingModel.class);
            assertTrue(model.sentenceTransformer().describeBackend().startsWith("java"));
            var r = model.call(new EmbeddingRequest(SEED,
                    EmbeddingOptions.builder().model("all-MiniLM-L6-v2").dimensions(64).build()));
            // Expected: st4j's own encode of the texts with the prompt spelled out, and the default prompt off.
            var expected = model.sentenceTransformer().encode(SEED.stream().map(s -> "query: " + s).toList(),
                    EncodeOptions.builder().prompt("").normalizeEmbeddings(true).truncateDim(64).build());
            for (int i = 0; i < 3; i++) {
                assertEquals(i, r.getResults().get(i).getIndex());
                assertArrayEquals(expected.row(i), r.getResults().get(i).getOutput(), 1e-6f);
            }
            assertThrows(IllegalArgumentException.class, () -> model.call(new EmbeddingRequest(SEED,
                    EmbeddingOptions.builder().model("other/model").build())));
        }, "st4j.model=all-MiniLM-L6-v2", "st4j.backend=java", "st4j.threads=2", "st4j.normalize=true",
                "st4j.prompts.query=query: ", "st4j.default-prompt-name=query", "st4j.batch-size=2");
    }

    @Test
    void withoutTheModelPropertyThereIsNoBean() {
        run(context -> assertFalse(context.containsBean("st4jEmbeddingModel")));
    }
}
