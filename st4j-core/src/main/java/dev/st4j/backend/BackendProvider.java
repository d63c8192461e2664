package dev.st4j.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.Fix;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A way to run a transformer, found with {@link java.util.ServiceLoader}: add the backend's jar (st4j-onnx, the
 * pure-Java engine) to the class path or module path and it becomes available by {@link #name()}. A backend
 * registers in {@code META-INF/services/dev.st4j.backend.BackendProvider} and, as a named module, with
 * {@code provides dev.st4j.backend.BackendProvider with ...} in its module-info.
 *
 * <p>Core, the hub and the command line never name weight files or architectures themselves: they ask each backend
 * whether it runs a folder's {@code config.json} ({@link #supports}) and which of the folder's files it would load
 * ({@link #weightFiles}), and pick the one the caller named, else the first in the default order that runs it.
 */
public interface BackendProvider {

    /** The name callers choose it by: {@code "onnx"}, {@code "java"}. */
    String name();

    /**
     * Whether this backend runs the network {@code config} (the folder's {@code config.json}, an empty object when
     * there is none) describes, with these options. Cheap: no weights are read.
     */
    Support supports(JsonNode config, BackendOptions options);

    /**
     * Whether this backend runs forward passes on {@code device}. The default is the CPU only; a backend that
     * runs GPUs overrides it and answers from what is installed (no weights are read).
     */
    default Support runsOn(Device device) {
        return device.cuda() ? Support.no("the " + name() + " backend runs on the CPU only, not on " + device
                + " (CUDA runs through ONNX Runtime: the onnx backend, with " + Device.CUDA_ARTIFACT
                + " on the class path)") : Support.YES;
    }

    /**
     * The files this backend would load from a Transformer folder, chosen from {@code files} (every file of the
     * folder, relative, {@code /}-separated; for a hub repository, its listing). Files named inside those (shards,
     * external data) come from {@link #referencedFiles} once these are local.
     */
    WeightFiles weightFiles(Set<String> files, BackendOptions options);

    /**
     * Further files that {@code weightFile} (one of {@link #weightFiles}, relative to the folder, readable at
     * {@code localCopy}) names and that must lie beside it: the shards of a safetensors index, the external data of
     * an ONNX graph. Relative to the folder.
     */
    default List<String> referencedFiles(String weightFile, Path localCopy) {
        return List.of();
    }

    /** Loads the network in {@code transformerFolder} (which holds {@code config.json} and the weights). */
    TransformerBackend open(Path transformerFolder, BackendOptions options);

    /**
     * A backend's answer to "do you run this architecture": yes, or no with the reason.
     *
     * @param refusal why not (naming the setting and what the backend runs instead); null means it runs
     */
    record Support(String refusal) {
        public static final Support YES = new Support(null);

        public static Support no(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a refusal needs a reason");
            }
            return new Support(reason);
        }

        public boolean runs() {
            return refusal == null;
        }
    }

    /**
     * The weights a backend would load from a folder, or why it has none there.
     *
     * @param files relative paths in load order; empty when the folder has none for this backend
     * @param missing when {@code files} is empty: what the backend looks for ("no ONNX export (model.onnx or
     *     onnx/model.onnx)")
     * @param fixes when {@code files} is empty: what would supply them (another ONNX file, an export)
     */
    record WeightFiles(List<String> files, String missing, List<Fix> fixes) {
        public WeightFiles {
            files = List.copyOf(files);
            fixes = List.copyOf(fixes);
            if (files.isEmpty() && (missing == null || missing.isBlank())) {
                throw new IllegalArgumentException("say what is missing when there are no weight files");
            }
        }

        public static WeightFiles of(String... files) {
            return new WeightFiles(List.of(files), null, List.of());
        }

        public static WeightFiles none(String missing, Fix... fixes) {
            return new WeightFiles(List.of(), missing, List.of(fixes));
        }

        public boolean found() {
            return !files.isEmpty();
        }
    }
}
