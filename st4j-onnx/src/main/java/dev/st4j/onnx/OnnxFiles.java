package dev.st4j.onnx;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which ONNX file of a folder to load, as sentence-transformers picks it (SPEC section 7): {@code file_name}
 * (default {@code model.onnx}; a name with folders, such as {@code onnx/model_O3.onnx}, is split into subfolder
 * and name) in the folder itself first, then in {@code onnx/}; with several exports and no name given, a warning.
 */
final class OnnxFiles {
    static final String DEFAULT_NAME = "model.onnx";
    static final String SUBFOLDER = "onnx";

    private OnnxFiles() {}

    /**
     * The file to load among {@code files} (relative, {@code /}-separated), or empty.
     *
     * @param fileName the caller's file name, or null for the default
     * @param warn told when several exports exist and none was named
     */
    static Optional<String> find(Set<String> files, String fileName, Consumer<String> warn) {
        String name = fileName == null ? DEFAULT_NAME : fileName.replace('\\', '/');
        String subfolder = null;
        int slash = name.lastIndexOf('/');
        if (slash >= 0) {
            subfolder = name.substring(0, slash);
            name = name.substring(slash + 1);
        }
        String direct = subfolder == null ? name : subfolder + "/" + name;
        String chosen = files.contains(direct) ? direct
                : subfolder == null && files.contains(SUBFOLDER + "/" + name) ? SUBFOLDER + "/" + name : null;
        List<String> exports = exports(files, subfolder);
        if (chosen != null && fileName == null && exports.size() > 1) {
            warn.accept("several ONNX exports " + exports + "; loading " + chosen + " (choose another with the ONNX "
                    + "file option: LoadOptions.onnxFileName, st4j --onnx-file)");
        }
        return Optional.ofNullable(chosen);
    }

    /** The {@code .onnx} files, sorted, under {@code subfolder} (null: anywhere). */
    static List<String> exports(Set<String> files, String subfolder) {
        return files.stream().filter(f -> f.endsWith(".onnx"))
                .filter(f -> subfolder == null || f.startsWith(subfolder + "/")).sorted().toList();
    }
}
