package dev.st4j.internal.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.tokenizer.TextTokenizer;
import dev.st4j.tokenizers.UnpairedSurrogateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunk tokenized in slices on helper threads equals one tokenizer call on the whole chunk, in order. */
class ChunkTokenizerTest {
    static final Path TINY = Path.of(System.getProperty("st4j.shared.data"), "tiny-models", "tiny-xlm-roberta-ce-onnx",
            "tokenizer.json");

    record Input(TextTokenizer tokenizer) implements InputModule {
        @Override
        public void setMaxSeqLength(int length) {}

        @Override
        public String describeBackend() {
            return "none";
        }

        @Override
        public void forward(Features features) {}

        @Override
        public void save(Path dir) {}

        @Override
        public String typeName() {
            return "test";
        }
    }

    static List<String> texts(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("text " + i + " " + "caf\u00e9 \uD83D\uDE00 word ".repeat(i % 7) + (i % 3 == 0 ? "" : "end"));
        }
        return out;
    }

    static List<String> tokenizeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("st4j-encode-tokenize")).toList();
    }

    @Test
    void slicesOnHelperThreadsEqualOneCallInOrder(@TempDir Path dir) throws IOException {
        Files.copy(TINY, dir.resolve("tokenizer.json"));
        try (TextTokenizer tok = TextTokenizer.load(dir, false, 32)) {
            List<String> texts = texts(1001);
            List<TextTokenizer.Encoded> expected = tok.encode(texts);
            for (int threads : new int[] {1, 2, 3, 8}) {
                ChunkTokenizer chunks = new ChunkTokenizer(new Input(tok), threads);
                List<TextTokenizer.Encoded> got = chunks.start(texts, 0).await();
                // A second chunk reuses the helpers.
                List<TextTokenizer.Encoded> again = chunks.start(texts.subList(1, 600), 1001).await();
                if (threads > 1) {
                    assertTrue(!tokenizeThreads().isEmpty(), "helpers tokenize a chunk of 1,001 texts");
                }
                chunks.close();
                assertEquals(List.of(), tokenizeThreads(), "no helper outlives close()");
                assertEquals(expected.size(), got.size());
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(expected.get(i).ids(), got.get(i).ids(), threads + " threads, text " + i);
                    assertArrayEquals(expected.get(i).tokens(), got.get(i).tokens());
                }
                for (int i = 0; i < again.size(); i++) {
                    assertArrayEquals(expected.get(i + 1).ids(), again.get(i).ids(), "second chunk, text " + i);
                }
            }
            assertEquals(null, new ChunkTokenizer(new Input(tok), 2).start(List.of(), 0), "end of input");
        }
    }

    @Test
    void smallChunksStartNoThreadAndErrorsNameTheRowInTheWholeInput(@TempDir Path dir) throws IOException {
        Files.copy(TINY, dir.resolve("tokenizer.json"));
        try (TextTokenizer tok = TextTokenizer.load(dir, false, 32)) {
            ChunkTokenizer chunks = new ChunkTokenizer(new Input(tok), 4);
            assertEquals(3, chunks.start(texts(3), 0).await().size());
            assertEquals(List.of(), tokenizeThreads(), "three texts are tokenized by the caller");

            List<String> texts = new ArrayList<>(texts(1000));
            texts.set(700, "bad \uD800 here");
            UnpairedSurrogateException e = assertThrows(UnpairedSurrogateException.class,
                    () -> chunks.start(texts, 5000).await());
            assertEquals(5700, e.textIndex(), "row 700 of a chunk that starts at input row 5,000");
            assertEquals(4, e.position());
            chunks.close();
            assertEquals(List.of(), tokenizeThreads());
        }
    }
}
