package dev.st4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.tokenizers.slow.SlowTokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow-tokenizer folders without an oracle file: MPNet's template by hand, and the refusals. */
class SlowTokenizersBehaviourTest {
    @TempDir
    Path dir;

    private void vocab(String... tokens) throws IOException {
        Files.writeString(dir.resolve("vocab.txt"), String.join("\n", tokens) + "\n");
    }

    @Test
    void mpnetUsesSAndSlashSWithTwoSeparatorsBetweenAPair() throws IOException {
        vocab("<s>", "<pad>", "</s>", "<unk>", "[UNK]", "hello", "world", "<mask>");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"MPNetTokenizer\"}");
        Tokenizer t = Tokenizer.fromFolder(dir);
        Encoding e = t.encode("Hello", "WORLD <mask>", true);
        // MPNetConverter: <s>:0 $A:0 </s>:0 </s>:0 $B:1 </s>:1, lowercasing by default, <mask> an added token
        // that takes the space on its left (lstrip).
        assertArrayEquals(new int[] {0, 5, 2, 2, 6, 7, 2}, e.ids());
        assertEquals(List.of("<s>", "hello", "</s>", "</s>", "world"), List.of(e.tokens()).subList(0, 5));
        try (var djl = DjlOracle.load(SlowTokenizers.toTokenizerJson(dir).toString(), 0, "")) {
            assertNull(DjlOracle.diff(djl.encode("Hello", "WORLD <mask>", true, false), e));
        }
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1}, e.typeIds());
        assertArrayEquals(new int[] {1, 0, 1, 1, 0, 0, 1}, e.specialTokensMask());
    }

    @Test
    void unsupportedTokenizerClassNamesTheFileAndClass() throws IOException {
        vocab("[UNK]", "a");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"FunnelTokenizer\"}");
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                () -> Tokenizer.fromFolder(dir));
        assertTrue(e.getMessage().startsWith("tokenizer_config.json uses tokenizer_class \"FunnelTokenizer\""),
                e.getMessage());
    }

    @Test
    void byteLevelBpeNeedsMergesTxt() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"roberta\"}");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromFolder(dir));
        assertTrue(e.getMessage().contains("merges.txt"), e.getMessage());
    }

    @Test
    void aSentencePieceBpeModelIsRefusedNamingTheFile() throws IOException {
        // ModelProto { pieces { piece: "a" score: 0 } trainer_spec { model_type: BPE } }
        byte[] proto = {0x0A, 0x08, 0x0A, 0x01, 'a', 0x15, 0, 0, 0, 0, 0x12, 0x02, 0x18, 0x02};
        Files.write(dir.resolve("spiece.model"), proto);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"T5Tokenizer\"}");
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                () -> Tokenizer.fromFolder(dir));
        assertTrue(e.getMessage().startsWith("spiece.model uses a SentencePiece model of trainer_spec.model_type 2"),
                e.getMessage());
    }

    @Test
    void aTruncatedProtobufIsAFormatErrorNotAPartialVocabulary() throws IOException {
        Files.write(dir.resolve("sentencepiece.bpe.model"), new byte[] {0x0A, 0x08, 0x0A, 0x01, 'a'});
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"XLMRobertaTokenizer\"}");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromFolder(dir));
        assertTrue(e.getMessage().contains("sentencepiece.bpe.model is truncated"), e.getMessage());
    }
}
