package dev.st4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact-value fixture of the reference suite's test_pooling.py (SPEC.md section 3). */
class PoolingTest {
    // T = [[[1,2],[3,4],[5,6],[99,99]], [[10,20],[30,40],[50,60],[70,80]]], M = [[1,1,1,0],[1,1,1,1]]
    static final float[] T = {1, 2, 3, 4, 5, 6, 99, 99, 10, 20, 30, 40, 50, 60, 70, 80};
    static final long[] M = {1, 1, 1, 0, 1, 1, 1, 1};

    static float[] pool(Pooling.Mode mode, int promptLength) {
        return new Pooling(2, List.of(mode), promptLength == 0).pool(T, M, 2, 4, 2, promptLength);
    }

    static float s(double v) {
        return (float) v;
    }

    @Test
    void eachModeMatchesTheReferenceFixture() {
        assertArrayEquals(new float[] {1, 2, 10, 20}, pool(Pooling.Mode.CLS, 0));
        assertArrayEquals(new float[] {5, 6, 70, 80}, pool(Pooling.Mode.MAX, 0));
        assertArrayEquals(new float[] {3, 4, 40, 50}, pool(Pooling.Mode.MEAN, 0), 1e-6f);
        assertArrayEquals(new float[] {s(9 / Math.sqrt(3)), s(12 / Math.sqrt(3)), 80, 100},
                pool(Pooling.Mode.MEAN_SQRT_LEN_TOKENS, 0), 1e-5f);
        assertArrayEquals(new float[] {s(22 / 6.0), s(28 / 6.0), 50, 60}, pool(Pooling.Mode.WEIGHTED_MEAN, 0), 1e-5f);
        assertArrayEquals(new float[] {5, 6, 70, 80}, pool(Pooling.Mode.LAST_TOKEN, 0));
    }

    @Test
    void excludingAOneTokenPromptMatchesTheReferenceFixture() {
        assertArrayEquals(new float[] {4, 5, 50, 60}, pool(Pooling.Mode.MEAN, 1), 1e-6f);
        assertArrayEquals(new float[] {s(8 / Math.sqrt(2)), s(10 / Math.sqrt(2)), s(150 / Math.sqrt(3)),
            s(180 / Math.sqrt(3))}, pool(Pooling.Mode.MEAN_SQRT_LEN_TOKENS, 1), 1e-5f);
        assertArrayEquals(new float[] {s(21 / 5.0), s(26 / 5.0), s(490 / 9.0), s(580 / 9.0)},
                pool(Pooling.Mode.WEIGHTED_MEAN, 1), 1e-5f);
        assertArrayEquals(new float[] {5, 6, 70, 80}, pool(Pooling.Mode.MAX, 1));
        assertArrayEquals(new float[] {5, 6, 70, 80}, pool(Pooling.Mode.LAST_TOKEN, 1));
        // CLS (v5.5+) takes the first position left after the prompt.
        assertArrayEquals(new float[] {3, 4, 30, 40}, pool(Pooling.Mode.CLS, 1));
    }

    @Test
    void promptExclusionDoesNotMutateTheMask() {
        long[] before = M.clone();
        pool(Pooling.Mode.MEAN, 2);
        assertArrayEquals(before, M);
    }

    @Test
    void severalModesConcatenateInConfiguredOrder() {
        Pooling p = new Pooling(2, List.of(Pooling.Mode.MAX, Pooling.Mode.CLS), true);
        assertArrayEquals(new float[] {5, 6, 1, 2, 70, 80, 10, 20}, p.pool(T, M, 2, 4, 2, 0));
        assertEquals(4, p.outputDimension());
    }

    @Test
    void fullyMaskedRowGivesZerosForMeanAndLastToken() {
        long[] none = {0, 0, 0, 0, 1, 1, 1, 1};
        assertArrayEquals(new float[] {0, 0, 40, 50},
                new Pooling(2, List.of(Pooling.Mode.MEAN), true).pool(T, none, 2, 4, 2, 0));
        assertArrayEquals(new float[] {0, 0, 70, 80},
                new Pooling(2, List.of(Pooling.Mode.LAST_TOKEN), true).pool(T, none, 2, 4, 2, 0));
    }

    @Test
    void legacyBooleanKeysConvertInTheReferenceOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true,
                 "pooling_mode_max_tokens": true, "pooling_mode_mean_sqrt_len_tokens": false}""");
        Pooling p = Pooling.load(dir, -1);
        assertEquals(List.of(Pooling.Mode.MAX, Pooling.Mode.MEAN), p.modes());
        assertEquals(768, p.outputDimension());
    }

    @Test
    void newPoolingModeKeyKeepsItsOwnOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"embedding_dimension": 8, "pooling_mode": ["lasttoken", "cls"], "include_prompt": false}""");
        Pooling p = Pooling.load(dir, -1);
        assertEquals(List.of(Pooling.Mode.LAST_TOKEN, Pooling.Mode.CLS), p.modes());
        assertEquals(false, p.includePrompt());
    }

    @Test
    void noActiveLegacyModeMeansMean(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"word_embedding_dimension\": 4}");
        assertEquals(List.of(Pooling.Mode.MEAN), Pooling.load(dir, -1).modes());
    }

    @Test
    void unknownModeIsRejectedWithTheValidOnes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"embedding_dimension\": 4, \"pooling_mode\": \"median\"}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Pooling.load(dir, -1));
        assertTrue(e.getMessage().contains("Invalid pooling mode: 'median'"), e.getMessage());
        assertTrue(e.getMessage().contains("weightedmean"), e.getMessage());
    }
}
