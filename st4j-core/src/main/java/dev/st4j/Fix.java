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
        /** Another model id or folder ({@code value}: the id that was not found). */
        MODEL_ID,
        /** Another revision ({@code value}: the one that was not found). */
        REVISION,
        /** A hub token that can read the repository ({@code value}: the repository). */
        TOKEN,
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

    public static Fix modelId(String notFound) {
        return new Fix(Kind.MODEL_ID, notFound);
    }

    public static Fix revision(String notFound) {
        return new Fix(Kind.REVISION, notFound);
    }

    public static Fix token(String repoId) {
        return new Fix(Kind.TOKEN, repoId);
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
            case MODEL_ID -> "check the id passed to SentenceTransformer.load (a hub id such as "
                    + "sentence-transformers/all-MiniLM-L6-v2, or a local folder)";
            case REVISION -> "pass an existing branch, tag or commit id with LoadOptions.builder().revision(...)";
            case TOKEN -> "if it is private, pass a token that can read it with LoadOptions.builder().token(...) "
                    + "(or set HF_TOKEN, or run `hf auth login`)";
            case ACTION -> value;
        };
    }
}
