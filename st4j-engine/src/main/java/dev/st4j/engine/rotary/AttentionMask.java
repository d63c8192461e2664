package dev.st4j.engine.rotary;

/**
 * Which keys a query sees within its own sequence (padding is never packed, so it is never seen): all of them, or
 * only earlier ones (causal), optionally limited to a window. Every mask the rotary architectures use is a
 * contiguous range of keys {@code [first(i), last(i)]} around query {@code i}.
 *
 * @param hidesLater whether later keys are hidden (causal)
 * @param radius the largest distance {@code |i - j|} a key may have ({@link Integer#MAX_VALUE} for no window)
 */
public record AttentionMask(boolean hidesLater, int radius) {

    public static AttentionMask bidirectional() {
        return new AttentionMask(false, Integer.MAX_VALUE);
    }

    /** Keys with {@code |i - j| <= radius}. */
    public static AttentionMask bidirectional(int radius) {
        return new AttentionMask(false, radius);
    }

    public static AttentionMask causal() {
        return new AttentionMask(true, Integer.MAX_VALUE);
    }

    /** Keys with {@code i - window < j <= i} (transformers' sliding window: {@code window} keys including i). */
    public static AttentionMask causalWindow(int window) {
        return new AttentionMask(true, window - 1);
    }

    /** First key query {@code i} sees. */
    public int first(int i) {
        return radius == Integer.MAX_VALUE ? 0 : Math.max(0, i - radius);
    }

    /** Last key query {@code i} of a sequence of {@code len} tokens sees. */
    public int last(int i, int len) {
        if (hidesLater) {
            return i;
        }
        return radius == Integer.MAX_VALUE ? len - 1 : (int) Math.min(len - 1, (long) i + radius);
    }
}
