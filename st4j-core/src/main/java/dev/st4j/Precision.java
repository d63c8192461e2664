package dev.st4j;

import java.util.Arrays;

/** Output precisions of sentence-transformers' {@code quantize_embeddings}, with Python's names. */
public enum Precision {
    FLOAT32("float32"),
    /** One signed byte per dimension: {@code q - 128} with {@code q} the uint8 value. */
    INT8("int8"),
    /** One unsigned byte per dimension: {@code clip(floor((x - min) / step), 0, 255)}, {@code step = (max - min) / 255}. */
    UINT8("uint8"),
    /** One bit per dimension ({@code x > 0}), packed MSB first, stored as {@code byte - 128}. */
    BINARY("binary"),
    /** One bit per dimension ({@code x > 0}), packed MSB first, as unsigned bytes. */
    UBINARY("ubinary");

    private final String pythonName;

    Precision(String pythonName) {
        this.pythonName = pythonName;
    }

    public String pythonName() {
        return pythonName;
    }

    /** Parses {@code "int8"}, {@code "ubinary"}, ... as Python spells them. */
    public static Precision fromName(String name) {
        for (Precision p : values()) {
            if (p.pythonName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Precision '" + name + "' is not supported, must be one of "
                + Arrays.stream(values()).map(Precision::pythonName).toList());
    }

    /** Whether values are signed ({@code int8}, {@code binary}). */
    public boolean signed() {
        return this == INT8 || this == BINARY;
    }
}
