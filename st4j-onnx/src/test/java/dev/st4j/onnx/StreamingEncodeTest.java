package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.ProgressListener;
import dev.st4j.SentenceTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming encode, token-budget batching and progress, on the hand-checkable StaticEmbedding and on MiniLM. */
class StreamingEncodeTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void model() throws IOException {
        StaticModels.create(dir, StaticModels.BERT_VOCAB);
    }

    @Test
    void streamedRowsArriveInInputOrderAndEqualTheInMemoryRows() {
        List<String> texts = IntStream.range(0, 12_345)
                .mapToObj(i -> "the " + "river ".repeat(i % 17) + "cat").toList();
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            FloatMatrix whole = model.encode(texts);
            List<FloatMatrix> blocks = new ArrayList<>();
            long[] next = {0};
            long n = model.encode(texts.stream(), EncodeOptions.builder().chunkSize(1000).build(), (first, rows) -> {
                assertEquals(next[0], first, "blocks are contiguous and in order");
                next[0] += rows.rows();
                blocks.add(rows);
            });
            assertEquals(texts.size(), n);
            assertEquals(13, blocks.size(), "one block per chunk of 1000");
            FloatMatrix streamed = FloatMatrix.concat(blocks);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(whole.row(i), streamed.row(i), 1e-6f);
            }
        }
    }

    @Test
    void aReaderThatThrowsFailsTheCallWithItsCause() {
        UncheckedIOException broken = new UncheckedIOException(new IOException("disk gone"));
        Iterator<String> reader = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (i++ == 7000) {
                    throw broken;
                }
                return "hello world";
            }
        };
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            long[] written = {0};
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> model.encode(reader, EncodeOptions.builder().chunkSize(500).build(),
                            (first, rows) -> written[0] += rows.rows()));
            assertSame(broken, e.getCause());
            assertTrue(written[0] <= 7000, "nothing past the failure: " + written[0]);
        }
        assertEquals(List.of(), EncodePoolTest.encodeThreads());
    }

    @Test
    void nullTextInAStreamNamesItsIndex() {
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            List<String> texts = new ArrayList<>(List.of("a", "b", "c"));
            texts.add(null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(texts.iterator(), EncodeOptions.defaults(), (first, rows) -> {}));
            assertTrue(e.getMessage().contains("texts[3]"), e.getMessage());
        }
    }

    @Test
    void progressCountsTextsAndRealTokens() {
        List<String> texts = IntStream.range(0, 1000).mapToObj(i -> "hello " + "world ".repeat(i % 5)).toList();
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            // Real tokens per text, from the tokenizer (Hugging Face tokenizers), no padding.
            long tokens = 0;
            for (String t : texts) {
                tokens += model.tokens(t).size();
            }
            List<long[]> calls = new ArrayList<>();
            boolean[] done = {false};
            model.encode(texts, EncodeOptions.builder().progressListener(new ProgressListener() {
                @Override
                public void progress(long t, long k, long total) {
                    calls.add(new long[] {t, k, total});
                }

                @Override
                public void done() {
                    done[0] = true;
                }
            }).build());
            assertTrue(done[0]);
            assertEquals(1000 / 32 + 1, calls.size(), "once per batch of 32");
            long[] last = calls.get(calls.size() - 1);
            assertArrayEquals(new long[] {1000, tokens, 1000}, last);
            for (int i = 1; i < calls.size(); i++) {
                assertTrue(calls.get(i)[0] > calls.get(i - 1)[0]);
            }
            calls.clear();
            model.encode(texts.iterator(), EncodeOptions.builder().progressListener((t, k, total) ->
                    calls.add(new long[] {t, k, total})).build(), (first, rows) -> {});
            assertEquals(-1, calls.get(0)[2], "a stream's size is unknown");
        }
    }

    @Test
    void tokenBudgetBatchesGiveTheSameEmbeddings() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            texts.add(("Sentence number " + i + " talks about the weather. ").repeat(1 + i % 9));
        }
        try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            FloatMatrix byCount = model.encode(texts);
            FloatMatrix byBudget = model.encode(texts, EncodeOptions.builder().batchSize(1000).tokenBudget(600).build());
            FloatMatrix one = model.encode(texts, EncodeOptions.builder().batchSize(1).build());
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(byCount.row(i), byBudget.row(i), 1e-6f, "row " + i);
                assertArrayEquals(byCount.row(i), one.row(i), 1e-6f, "row " + i);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(texts, EncodeOptions.builder().tokenBudget(100).build()));
            assertTrue(e.getMessage().contains("tokenBudget") && e.getMessage().contains("256"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().tokenBudget(0).build());
            assertTrue(e.getMessage().contains("tokenBudget"), e.getMessage());
        }
        try (SentenceTransformer model = SentenceTransformer.load(dir)) {
            // A StaticEmbedding has no max sequence length to check up front: the text that does not fit is the error.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(List.of("the cat", "the ".repeat(50)), EncodeOptions.builder().tokenBudget(20).build()));
            assertTrue(e.getMessage().contains("tokenBudget") && e.getMessage().contains("50 tokens"), e.getMessage());
        }
    }
}
