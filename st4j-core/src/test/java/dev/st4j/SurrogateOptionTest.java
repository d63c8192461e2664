package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.st4j.testing.TestModels;
import dev.st4j.tokenizers.UnpairedSurrogateException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoadOptions.replaceUnpairedSurrogates: off, a text with a lone surrogate is refused; on, it becomes U+FFFD. */
class SurrogateOptionTest {
    @Test
    void theOptInReplacesOnlyTheBadCodeUnit(@TempDir Path tmp) {
        Path dir = TestModels.transformerFolder(tmp.resolve("m"), "BertModel", 2, Map.of(), Map.of());
        try (SentenceTransformer strict = SentenceTransformer.load(dir);
                SentenceTransformer lenient = SentenceTransformer.load(dir,
                        LoadOptions.builder().replaceUnpairedSurrogates(true).build())) {
            UnpairedSurrogateException e = assertThrows(UnpairedSurrogateException.class,
                    () -> strict.tokenize(List.of("a b", "a \uDC00 b")));
            assertEquals(1, e.textIndex());
            assertEquals(2, e.position());
            // Whitespace pre-tokenizer, WordLevel: [CLS] a [UNK] b [SEP] with U+FFFD as the unknown word.
            assertArrayEquals(new long[] {2, 4, 1, 5, 3}, lenient.tokenize(List.of("a \uDC00 b")).inputIds());
            assertArrayEquals(strict.tokenize(List.of("a \uFFFD b")).inputIds(),
                    lenient.tokenize(List.of("a \uDC00 b")).inputIds());
        }
        assertEquals(true, LoadOptions.builder().replaceUnpairedSurrogates(true).build().toBuilder().build()
                .replaceUnpairedSurrogates());
    }
}
