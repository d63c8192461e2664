package dev.st4j.engine.mpnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MPNet's buckets, from transformers' formula worked by hand: distances under 8 are their own bucket, larger ones
 * get {@code 8 + floor(8 * log(n / 8) / log(16))} = {@code 8 + floor(2 * log2(n / 8))}, capped at 15; keys after the
 * query use the upper half (16 more).
 */
class RelativePositionBiasTest {

    @ParameterizedTest(name = "key - query = {0} -> bucket {1}")
    @CsvSource({
        "0, 0", "-1, 1", "-7, 7", "-8, 8", "-15, 9",
        // The exact edges, where float32 rounding of the logarithm could tip the truncation.
        "-16, 10", "-32, 12", "-64, 14", "-63, 13",
        "-127, 15", "-128, 15", "-5000, 15",
        "1, 17", "7, 23", "8, 24", "16, 26", "64, 30", "70, 30", "200, 31"})
    void bucketsFollowTransformers(int relative, int bucket) {
        assertEquals(bucket, RelativePositionBias.bucket(relative));
    }
}
