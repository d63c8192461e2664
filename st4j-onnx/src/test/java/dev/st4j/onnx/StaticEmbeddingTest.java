package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.st4j.SentenceTransformer;
import dev.st4j.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StaticEmbedding model built on the BERT uncased vocabulary with the table row {@code i = [i, 2i, 1]}: a text's
 * embedding is then the mean of its WordPiece ids, which are known from the vocabulary (hello = 7592,
 * world = 2088), without special tokens.
 */
class StaticEmbeddingTest {
    @TempDir
    Path dir;

    private Path staticModel() throws IOException {
        return StaticModels.create(dir, StaticModels.BERT_VOCAB);
    }

    @Test
    void embeddingIsTheMeanOfTheTokenRowsWithoutSpecialTokens() throws IOException {
        try (SentenceTransformer m = SentenceTransformer.load(staticModel())) {
            assertEquals(3, m.getSentenceEmbeddingDimension());
            assertArrayEquals(new float[] {(7592 + 2088) / 2f, 7592 + 2088, 1}, m.encode("hello world"), 1e-3f);
            assertEquals(List.of("hello", "world"), m.tokens("Hello World"));
            // An empty text has no tokens: a zero vector, as EmbeddingBag gives.
            assertArrayEquals(new float[] {0, 0, 0}, m.encode(""));
            assertArrayEquals(m.encode("hello world"), m.encode(List.of("a b c d e f", "hello world", "")).row(1));
            assertThrows(UnsupportedModelException.class, () -> m.setMaxSeqLength(10));
        }
    }
}
