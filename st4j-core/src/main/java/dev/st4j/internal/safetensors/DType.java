package dev.st4j.internal.safetensors;

import java.util.Optional;

/** The element types st4j reads from safetensors files; 16-bit types stay 16-bit on disk and widen when read. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type named as in a safetensors header ({@code "F32"}), or empty for a type st4j does not read. */
    static Optional<DType> fromHeader(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
