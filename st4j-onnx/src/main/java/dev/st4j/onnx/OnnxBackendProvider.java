package dev.st4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.Fix;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.Device;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.internal.backends.Backends;
import dev.st4j.internal.modelfolder.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Registers ONNX Runtime as the {@code "onnx"} backend. It runs whatever architecture the export holds, so it
 * answers "can you run this config.json" with yes; what it needs is an ONNX file (and the external data the graph
 * names).
 */
public final class OnnxBackendProvider implements BackendProvider {
    private static final Logger LOG = Logger.getLogger(OnnxBackendProvider.class.getName());

    /** How sessions go on a GPU; tests replace it, as there is no GPU here. */
    static volatile CudaSessions cuda = CudaSessions.ONNX_RUNTIME;

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public Support supports(JsonNode config, BackendOptions options) {
        return Support.YES;
    }

    /** The CPU, and CUDA devices when ONNX Runtime has its CUDA execution provider (the GPU build). */
    @Override
    public Support runsOn(Device device) {
        return !device.cuda() || cuda.available() ? Support.YES : Support.no(CudaSessions.unavailable(device));
    }

    @Override
    public WeightFiles weightFiles(Set<String> files, BackendOptions options) {
        return lookup(files, options, LOG::warning);
    }

    private static WeightFiles lookup(Set<String> files, BackendOptions options, Consumer<String> warn) {
        String fileName = options.onnxFileName();
        return OnnxFiles.find(files, fileName, warn).map(WeightFiles::of).orElseGet(() -> {
            List<String> exports = OnnxFiles.exports(files, null);
            String missing = (fileName == null ? "no ONNX export (" + OnnxFiles.DEFAULT_NAME + " or "
                    + OnnxFiles.SUBFOLDER + "/" + OnnxFiles.DEFAULT_NAME + ")"
                    : "no ONNX file '" + fileName + "'") + (exports.isEmpty() ? "" : " among " + exports);
            List<Fix> fixes = new ArrayList<>(exports.stream().limit(4).map(Fix::onnxFile).toList());
            if (exports.isEmpty()) {
                fixes.add(Fix.action("export the model to ONNX (e.g. `optimum-cli export onnx --task "
                        + "feature-extraction`) into " + OnnxFiles.SUBFOLDER + "/" + OnnxFiles.DEFAULT_NAME));
            }
            return new WeightFiles(List.of(), missing, fixes);
        });
    }

    /** The external data files the graph names, beside it. */
    @Override
    public List<String> referencedFiles(String weightFile, Path localCopy) {
        int slash = weightFile.lastIndexOf('/');
        String dir = slash < 0 ? "" : weightFile.substring(0, slash + 1);
        return OnnxExternalData.locations(localCopy).stream().map(l -> Path.of(dir + l).normalize().toString()
                .replace('\\', '/')).toList();
    }

    @Override
    public TransformerBackend open(Path folder, BackendOptions options) {
        Support device = runsOn(options.device());
        if (!device.runs()) {
            throw new UnsupportedModelException(device.refusal());
        }
        // The choice of backend has warned about several exports already.
        WeightFiles weights = lookup(Backends.listFiles(folder), options, warning -> { });
        if (!weights.found()) {
            throw new ModelFormatException(folder.resolve(options.onnxFileName() == null
                    ? OnnxFiles.SUBFOLDER + "/" + OnnxFiles.DEFAULT_NAME : options.onnxFileName()),
                    "ONNX file is missing: " + weights.missing(), weights.fixes());
        }
        String relative = weights.files().get(0);
        Path file = folder.resolve(relative);
        List<String> absent = referencedFiles(relative, file).stream()
                .filter(f -> !Files.isRegularFile(folder.resolve(f))).toList();
        if (!absent.isEmpty()) {
            throw new ModelFormatException(file, "the graph keeps its weights in external data " + absent
                    + ", which " + (absent.size() == 1 ? "is" : "are") + " missing from " + folder
                    + "; copy them beside the .onnx file (st4j's hub download fetches them with it)");
        }
        int configHidden = ModelFolder.readJsonIfExists(folder.resolve("config.json"))
                .map(c -> c.path("hidden_size").asInt(-1)).orElse(-1);
        return new OnnxBackend(file, relative, options.effectiveThreads(), options.device(), cuda, configHidden);
    }
}
