package dev.st4j.internal.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBudgetBatcherTest {
    @Test
    void batchesHoldAtMostTheBudgetAndTheTextCount() {
        // 10+9 = 19 fits 20, +9 does not; 9+5+3+1 = 18 fits.
        List<int[]> batches = new TokenBudgetBatcher(32, 20).split(new int[] {10, 9, 9, 5, 3, 1});
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {0, 2}, batches.get(0));
        assertArrayEquals(new int[] {2, 6}, batches.get(1));
        // The text count still caps a batch.
        batches = new TokenBudgetBatcher(3, TokenBudgetBatcher.UNLIMITED).split(new int[] {4, 4, 4, 4, 4, 4, 4});
        assertEquals(List.of("0-3", "3-6", "6-7"), batches.stream().map(b -> b[0] + "-" + b[1]).toList());
        // A text exactly the budget is a batch of its own.
        batches = new TokenBudgetBatcher(32, 8).split(new int[] {8, 8, 7, 1});
        assertEquals(List.of("0-1", "1-2", "2-4"), batches.stream().map(b -> b[0] + "-" + b[1]).toList());
        assertEquals(List.of(), new TokenBudgetBatcher(32, 8).split(new int[0]));
    }

    @Test
    void aBudgetSmallerThanOneSequenceNamesTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenBudgetBatcher(32, 100).checkFits(256));
        assertTrue(e.getMessage().contains("tokenBudget") && e.getMessage().contains("256"), e.getMessage());
        new TokenBudgetBatcher(32, 256).checkFits(256);
        new TokenBudgetBatcher(32, 5).checkFits(Integer.MAX_VALUE); // unlimited models are checked per text
        e = assertThrows(IllegalArgumentException.class, () -> new TokenBudgetBatcher(32, 5).split(new int[] {3, 6}));
        assertTrue(e.getMessage().contains("tokenBudget") && e.getMessage().contains("6 tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TokenBudgetBatcher(32, 0));
        assertTrue(e.getMessage().contains("tokenBudget"), e.getMessage());
    }

    @Test
    void defaultChunkSizeIsPythons() {
        // max(1, min(ceil(n / workers / 10), 5000))
        assertEquals(1, BatchPipeline.defaultChunkSize(0, 2));
        assertEquals(1, BatchPipeline.defaultChunkSize(1, 4));
        assertEquals(500, BatchPipeline.defaultChunkSize(10_000, 2));
        assertEquals(334, BatchPipeline.defaultChunkSize(10_000, 3));
        assertEquals(5000, BatchPipeline.defaultChunkSize(10_000_000, 2));
        assertEquals(5000, BatchPipeline.defaultChunkSize(-1, 2));
    }
}
