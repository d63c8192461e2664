package dev.st4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.st4j.EncodeOptions;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded all-MiniLM-L6-v2 through langchain4j's interface: sbert.net's numbers, and its 256-token limit. */
class St4jEmbeddingModelTest {
    static final List<String> SEED = List.of(
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.");
    /** sbert.net's printed cosine matrix for these sentences (seed 000, README.md). */
    static final double[][] SEED_MATRIX = {{1.0000, 0.6660, 0.1046}, {0.6660, 1.0000, 0.1411},
            {0.1046, 0.1411, 1.0000}};

    static St4jEmbeddingModel model;

    @BeforeAll
    static void load() {
        model = St4jEmbeddingModel.builder().model("all-MiniLM-L6-v2")
                .loadOptions(LoadOptions.builder().threads(2).build()).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void embedAllOfTheSeedSentencesGivesTheSeedMatrixThroughLangchain4jCosine() {
        List<Embedding> e = model.embedAll(SEED.stream().map(TextSegment::from).toList()).content();
        assertEquals(3, e.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(384, e.get(i).dimension());
            for (int j = 0; j < 3; j++) {
                assertEquals(SEED_MATRIX[i][j], CosineSimilarity.between(e.get(i), e.get(j)), 1e-4, i + "," + j);
            }
        }
        assertEquals(384, model.dimension());
        assertEquals("all-MiniLM-L6-v2", model.modelName());
    }

    @Test
    void aTwoHundredTokenTextIsNotCutAt128() {
        SentenceTransformer st = model.sentenceTransformer();
        // Words that are one WordPiece each, so the text cut at 128 tokens is its first 126 words.
        String[] vocab = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "park", "with", "red",
            "ball", "while", "birds", "sang", "in", "tall", "trees"};
        List<String> words = new ArrayList<>();
        for (int i = 0; words.size() < 198; i++) {
            words.add(vocab[(i * 7 + i / 20) % vocab.length]);
        }
        String text = String.join(" ", words);
        assertEquals(200, st.tokens(text).size(), "[CLS] + 198 words + [SEP]");
        String cut = String.join(" ", words.subList(0, 126));
        assertEquals(128, st.tokens(cut).size());

        float[] viaLangchain4j = model.embed(text).content().vector();
        assertArrayEquals(st.encode(text, EncodeOptions.defaults()), viaLangchain4j, 1e-6f);
        double toCut = CosineSimilarity.between(Embedding.from(viaLangchain4j),
                Embedding.from(st.encode(cut, EncodeOptions.defaults())));
        assertTrue(toCut < 0.999, "the 200-token vector must differ from the 128-token one, cosine " + toCut);
    }

    @Test
    void requestsCarryQueryOrDocumentAndDimensions() {
        String q = "Which planet is known as the Red Planet?";
        SentenceTransformer st = model.sentenceTransformer();
        var asQuery = model.embed(EmbeddingRequest.builder().inputs(List.of(EmbeddingInput.from(q)))
                .inputType(EmbeddingInputType.QUERY).dimensions(128).build()).embeddings();
        assertEquals(1, asQuery.size());
        assertArrayEquals(st.encodeQuery(List.of(q), EncodeOptions.builder().truncateDim(128).build()).row(0),
                asQuery.get(0).vector(), 0f);
        assertThrows(IllegalArgumentException.class, () -> model.embed(EmbeddingRequest.builder()
                .inputs(List.of(EmbeddingInput.from(q))).dimensions(1000).build()));
    }

    @Test
    void embedAllKeepsOrderAcrossBatchesAndTruncateDimSetsTheDimension() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            texts.add(String.join(" ", Collections.nCopies(i + 1, SEED.get(i % 3))));
        }
        EncodeOptions small = EncodeOptions.builder().batchSize(4).truncateDim(64).normalizeEmbeddings(true).build();
        St4jEmbeddingModel m = St4jEmbeddingModel.of(model.sentenceTransformer(), "minilm", small);
        assertEquals(64, m.dimension());
        List<Embedding> e = m.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = model.sentenceTransformer().encode(texts.get(i), small);
            assertEquals(64, alone.length);
            assertArrayEquals(alone, e.get(i).vector(), 1e-6f, "text " + i);
        }
        m.close();
        assertEquals(384, model.embed("still open").content().dimension(), "wrapping does not own the model");
    }

    @Test
    void aNullSegmentIsRefusedByIndex() {
        List<TextSegment> segments = new ArrayList<>();
        segments.add(TextSegment.from("a"));
        segments.add(null);
        var e = assertThrows(IllegalArgumentException.class, () -> model.embedAll(segments));
        assertTrue(e.getMessage().contains("[1]"), e.getMessage());
    }
}
