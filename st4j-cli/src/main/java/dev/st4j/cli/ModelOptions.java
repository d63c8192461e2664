package dev.st4j.cli;

import dev.st4j.Fix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares. */
final class ModelOptions {
    static final String DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2";

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", defaultValue = DEFAULT_MODEL,
            description = "Hub id, short name or local folder (default: ${DEFAULT-VALUE}, embedded).")
    String model;

    @Option(names = "--backend", paramLabel = "java|onnx",
            description = "Inference backend (default: java when the engine runs the architecture and the model has "
                    + "safetensors weights, else onnx when it has an ONNX export).")
    String backend;

    @Option(names = "--onnx-file", paramLabel = "FILE",
            description = "ONNX file inside the model folder instead of onnx/model.onnx.")
    String onnxFile;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Threads per forward pass (default: all cores).")
    int threads;

    @Option(names = "--max-seq-length", paramLabel = "N",
            description = "Override the model's max sequence length in tokens.")
    Integer maxSeqLength;

    @Option(names = "--revision", paramLabel = "R",
            description = "Hub branch, tag or commit (a revision always loads from the hub, not the embedded copy).")
    String revision;

    @Option(names = "--cache-folder", paramLabel = "DIR",
            description = "Hub cache folder (default: SENTENCE_TRANSFORMERS_HOME, HF_HUB_CACHE, HF_HOME/hub, "
                    + "~/.cache/huggingface/hub).")
    Path cacheFolder;

    @Option(names = "--offline", description = "Use only local folders, embedded models and the hub cache.")
    boolean offline;

    /** A fix said with this command line's flags instead of the library's builder methods. */
    static String asFlag(Fix fix) {
        return switch (fix.kind()) {
            case BACKEND -> "run with --backend " + fix.value();
            case ONNX_FILE -> "run with --onnx-file " + fix.value();
            case DEPENDENCY, ACTION -> fix.forLibrary();
        };
    }

    SentenceTransformer load() {
        SentenceTransformer model = SentenceTransformer.load(this.model, LoadOptions.builder()
                .backend(backend).onnxFileName(onnxFile).threads(threads).revision(revision)
                .cacheFolder(cacheFolder).localFilesOnly(offline).build());
        if (maxSeqLength != null) {
            model.setMaxSeqLength(maxSeqLength);
        }
        return model;
    }
}
