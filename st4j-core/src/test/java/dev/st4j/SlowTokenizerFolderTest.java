package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.backend.TokenBatch;
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
 * A model folder with only slow-tokenizer files (no tokenizer.json) loads with the tokenizer transformers would
 * convert them into. {@link FakeBackend} gives token id t the embedding (t+1)·[1, 2]; ids [PAD]=0 [UNK]=1 [CLS]=2
 * [SEP]=3 a=4 b=5 c=6.
 */
class SlowTokenizerFolderTest {
    @TempDir
    Path tmp;

    private Path slowBertFolder(String tokenizerConfig) throws IOException {
        Path dir = TestModels.transformerFolder(tmp.resolve("m"), "BertModel", 2, Map.of(), Map.of());
        Files.delete(dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("vocab.txt"), String.join("\n", TestModels.VOCAB) + "\n");
        Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        TestModels.writeJson(dir.resolve("1_Pooling/config.json"), TestModels.JSON.createObjectNode()
                .put("embedding_dimension", 2).put("pooling_mode_mean_tokens", true));
        TestModels.modules(dir, "", "sentence_transformers.models.Transformer", "1_Pooling",
                "sentence_transformers.models.Pooling");
        return dir;
    }

    @Test
    void aVocabTxtFolderLoadsAsBertWordPieceLowercasedByDefault() throws IOException {
        Path dir = slowBertFolder("{\"tokenizer_class\": \"BertTokenizer\", \"pad_token\": \"[PAD]\"}");
        try (SentenceTransformer m = SentenceTransformer.load(dir)) {
            TokenBatch b = m.tokenize(List.of("A b", "c x"));
            // [CLS] a b [SEP] and [CLS] c [UNK] [SEP]: BertTokenizer lowercases unless do_lower_case is false.
            assertArrayEquals(new long[] {2, 4, 5, 3, 2, 6, 1, 3}, b.inputIds());
            // mean of (2+1, 4+1, 5+1, 3+1) = 4.5
            assertArrayEquals(new float[] {4.5f, 9}, m.encode("A b"), 1e-6f);
        }
        Path cased = slowBertFolder("{\"tokenizer_class\": \"BertTokenizer\", \"do_lower_case\": false}");
        try (SentenceTransformer m = SentenceTransformer.load(cased)) {
            assertArrayEquals(new long[] {2, 1, 5, 3}, m.tokenize(List.of("A b")).inputIds());
        }
    }

    @Test
    void anUnconvertibleTokenizerClassIsRefusedNamingTheFileAndClass() throws IOException {
        Path dir = slowBertFolder("{\"tokenizer_class\": \"ReformerTokenizer\"}");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("ReformerTokenizer"),
                e.getMessage());
    }

    @Test
    void aBrokenSentencePieceModelIsAFormatError() throws IOException {
        Path dir = slowBertFolder("{\"tokenizer_class\": \"T5Tokenizer\"}");
        Files.write(dir.resolve("spiece.model"), new byte[] {0x0A, 0x7F, 0x01});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentenceTransformer.load(dir));
        assertTrue(e.getMessage().contains("spiece.model"), e.getMessage());
    }
}
