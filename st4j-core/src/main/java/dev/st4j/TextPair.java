package dev.st4j;

/**
 * Two texts encoded together as segments A and B ({@code [CLS] first [SEP] second [SEP]} for BERT), Python's
 * tuple input {@code ("a", "b")}. A prompt goes before {@code first} only.
 */
public record TextPair(String first, String second) {
    public TextPair {
        if (first == null || second == null) {
            throw new IllegalArgumentException("both texts of a pair must be non-null");
        }
    }
}
