package dev.st4j.cli;

import dev.st4j.Fix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.backend.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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

    @Option(names = "--device", paramLabel = "cpu|cuda|cuda:N",
            description = "Where the transformer runs (default: cpu). CUDA runs through the onnx backend and needs "
                    + "ONNX Runtime's GPU build (com.microsoft.onnxruntime:onnxruntime_gpu) on the class path.")
    String device;

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

    @Option(names = "--token", paramLabel = "TOKEN", arity = "0..1", interactive = true, echo = false,
            description = "Hub access token for private models (default: HF_TOKEN, else the hf auth login file). "
                    + "Without a value it is asked for without echo; it is never printed.")
    String token;

    @Option(names = "--prompts-file", paramLabel = "FILE",
            description = "JSON object of prompt name to prompt text, merged over the model's prompts.")
    Path promptsFile;

    @Option(names = "--default-prompt-name", paramLabel = "NAME",
            description = "Prompt applied when a call names none (one of the model's prompts).")
    String defaultPromptName;

    @Option(names = "--replace-unpaired-surrogates",
            description = "Tokenize a text holding an unpaired UTF-16 surrogate with U+FFFD in its place instead of "
                    + "refusing it (the default, as Python does).")
    boolean replaceUnpairedSurrogates;

    /** A fix said with this command line's flags instead of the library's builder methods. */
    static String asFlag(Fix fix) {
        return switch (fix.kind()) {
            case BACKEND -> "run with --backend " + fix.value();
            case ONNX_FILE -> "run with --onnx-file " + fix.value();
            case MODEL_ID -> "check the model id given to --model (or to st4j download): a hub id such as "
                    + "sentence-transformers/all-MiniLM-L6-v2, or a local folder";
            case REVISION -> "pass an existing branch, tag or commit id with --revision";
            case TOKEN -> "if it is private, pass a token that can read it with --token TOKEN (or set HF_TOKEN)";
            case DEPENDENCY, ACTION -> fix.forLibrary();
        };
    }

    /** What names the model for a cache key: the name and every option that changes its embeddings. */
    String describe() {
        return model + " revision=" + revision + " backend=" + backend + " onnx-file=" + onnxFile
                + " max-seq-length=" + maxSeqLength + " default-prompt-name=" + defaultPromptName
                + " prompts=" + (promptsFile == null ? null : readPrompts(promptsFile))
                + (replaceUnpairedSurrogates ? " replace-unpaired-surrogates" : "")
                + (device == null ? "" : " device=" + Device.parse(device, "--device"));
    }

    SentenceTransformer load() {
        if (device != null) {
            Device.parse(device, "--device"); // a bad one named by its flag
        }
        LoadOptions.Builder b = LoadOptions.builder().device(device)
                .backend(backend).onnxFileName(onnxFile).threads(threads).revision(revision)
                .cacheFolder(cacheFolder).localFilesOnly(offline).token(token).defaultPromptName(defaultPromptName)
                .replaceUnpairedSurrogates(replaceUnpairedSurrogates);
        if (promptsFile != null) {
            b.prompts(readPrompts(promptsFile));
        }
        SentenceTransformer model = SentenceTransformer.load(this.model, b.build());
        if (maxSeqLength != null) {
            model.setMaxSeqLength(maxSeqLength);
        }
        return model;
    }

    /** A JSON object of strings, as Python's {@code prompts=} dict. */
    static Map<String, String> readPrompts(Path file) {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("--prompts-file " + file + " cannot be read as JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("--prompts-file " + file
                    + " must hold a JSON object of prompt name to text, e.g. {\"query\": \"query: \"}");
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        for (var e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("--prompts-file " + file + ": prompt '" + e.getKey()
                        + "' must be a string");
            }
            prompts.put(e.getKey(), e.getValue().asText());
        }
        return prompts;
    }
}
