package dev.st4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.LoadOptions;
import dev.st4j.UnsupportedModelException;
import dev.st4j.tokenizers.UnpairedSurrogateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java tokenizer is the default; DJL is selectable; an unimplemented feature is refused by name. */
class TokenizerChoiceTest {
    static final Path TINY = Path.of(System.getProperty("st4j.shared.data"), "tiny-models", "tiny-xlm-roberta-ce-onnx",
            "tokenizer.json");

    @Test
    void javaAndDjlGiveTheSameEncodings(@TempDir Path dir) throws IOException {
        Files.copy(TINY, dir.resolve("tokenizer.json"));
        List<String> texts = List.of("how is the weather", "it is sunny today", "caf\u00e9 \uD83D\uDE00 ZWJ \u200D", "",
                "a cat ".repeat(40));
        try (TextTokenizer java = TextTokenizer.load(dir, false, 16);
                TextTokenizer djl = TextTokenizer.load(dir, false, 16, "djl")) {
            List<TextTokenizer.Encoded> a = java.encode(texts);
            List<TextTokenizer.Encoded> b = djl.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(b.get(i).ids(), a.get(i).ids(), texts.get(i));
                assertArrayEquals(b.get(i).typeIds(), a.get(i).typeIds(), texts.get(i));
                assertArrayEquals(b.get(i).specialTokensMask(), a.get(i).specialTokensMask(), texts.get(i));
                assertArrayEquals(b.get(i).tokens(), a.get(i).tokens(), texts.get(i));
            }
            assertEquals(16, a.get(4).length());
            java.setMaxLength(8);
            djl.setMaxLength(8);
            assertArrayEquals(djl.encode(texts.get(4)).ids(), java.encode(texts.get(4)).ids());
        }
    }

    @Test
    void unpairedSurrogateNamesTheTextAndPosition(@TempDir Path dir) throws IOException {
        Files.copy(TINY, dir.resolve("tokenizer.json"));
        try (TextTokenizer java = TextTokenizer.load(dir, false, 16)) {
            UnpairedSurrogateException e = assertThrows(UnpairedSurrogateException.class,
                    () -> java.encode(List.of("fine", "also fine", "bad \uD800 here")));
            assertEquals(2, e.textIndex());
            assertEquals(4, e.position());
        }
    }

    @Test
    void unimplementedFeatureIsRefusedNamingItAndTheFallback(@TempDir Path dir) throws IOException {
        String json = Files.readString(TINY);
        String nmt = json.replaceFirst("\"normalizer\":\\s*null", "\"normalizer\": {\"type\": \"Nmt\"}");
        assertTrue(!nmt.equals(json), "the fixture has a null normalizer to replace");
        Files.writeString(dir.resolve("tokenizer.json"), nmt);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> TextTokenizer.load(dir, false, 16));
        assertTrue(e.getMessage().contains("\"Nmt\"") && e.getMessage().contains("tokenizer(\"djl\")"),
                e.getMessage());
        try (TextTokenizer djl = TextTokenizer.load(dir, false, 16, "djl")) {
            assertTrue(djl.encode("hello").length() > 2);
        }
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder().tokenizer("rust").build());
    }
}
