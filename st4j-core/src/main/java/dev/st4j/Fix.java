package dev.st4j;

/**
 * One change that would make a failed load succeed, kept structured so each caller can say it in its own terms:
 * the library as a builder method ({@code LoadOptions.builder().backend("onnx")}), the command line as a flag
 * ({@code --backend onnx}).
 *
 * @param kind what to change
 * @param value the backend name, ONNX file, Maven coordinates or (for {@link Kind#ACTION}) the whole advice
 */
public record Fix(Kind kind, String value) {

    /** What a fix changes. */
    public enum Kind {
        /** Choose this backend ({@code LoadOptions.backend}, {@code --backend}). */
        BACKEND,
        /** Load this ONNX file ({@code LoadOptions.onnxFileName}, {@code --onnx-file}). */
        ONNX_FILE,
        /** Put this artifact on the class path. */
        DEPENDENCY,
        /** Something to do to the model itself (export it, convert it); the same words for every caller. */
        ACTION
    }

    public Fix {
        if (kind == null || value == null || value.isBlank()) {
            throw new IllegalArgumentException("a fix needs a kind and a value");
        }
    }

    public static Fix backend(String name) {
        return new Fix(Kind.BACKEND, name);
    }

    public static Fix onnxFile(String file) {
        return new Fix(Kind.ONNX_FILE, file);
    }

    public static Fix dependency(String coordinates) {
        return new Fix(Kind.DEPENDENCY, coordinates);
    }

    public static Fix action(String advice) {
        return new Fix(Kind.ACTION, advice);
    }

    /** The fix as a Java caller applies it. */
    public String forLibrary() {
        return switch (kind) {
            case BACKEND -> "load it with LoadOptions.builder().backend(\"" + value + "\")";
            case ONNX_FILE -> "choose the file with LoadOptions.builder().onnxFileName(\"" + value + "\")";
            case DEPENDENCY -> "add " + value + " to the class path";
            case ACTION -> value;
        };
    }
}
