/**
 * st4j: Sentence Transformers for Java. The public API: {@link dev.st4j.SentenceTransformer} and its options and
 * results ({@code dev.st4j}), the modules a model is built from ({@code dev.st4j.pipeline}), evaluators
 * ({@code dev.st4j.eval}), embedding files ({@code dev.st4j.io}), the Hugging Face hub cache ({@code dev.st4j.hub})
 * and the service interface for backends ({@code dev.st4j.backend}). Packages under {@code dev.st4j.internal} are
 * exported only to the st4j modules that build on them and carry no compatibility promise.
 */
// The qualified exports name st4j modules that are compiled after this one (javac's "module not found" lint);
// ai.djl.tokenizers is an automatic module with a stable name (its jar's Automatic-Module-Name).
@SuppressWarnings({"module", "requires-automatic"})
module dev.st4j {
    requires transitive com.fasterxml.jackson.databind; // the backend SPI reads config.json as a JsonNode
    requires dev.st4j.tokenizers;
    requires ai.djl.tokenizers; // Hugging Face tokenizers through DJL, the "djl" tokenizer choice
    requires me.tongfei.progressbar;
    requires java.logging;
    requires java.net.http;

    exports dev.st4j;
    exports dev.st4j.backend;
    exports dev.st4j.eval;
    exports dev.st4j.hub;
    exports dev.st4j.io;
    exports dev.st4j.pipeline;

    // Internals other st4j jars build on (their tests included); no compatibility promise.
    exports dev.st4j.internal.backends to dev.st4j.onnx, dev.st4j.engine;
    exports dev.st4j.internal.embedded to dev.st4j.onnx, dev.st4j.engine, dev.st4j.cli, dev.st4j.bench;
    exports dev.st4j.internal.encoding to dev.st4j.cli;
    exports dev.st4j.internal.modelfolder to dev.st4j.onnx, dev.st4j.engine;
    exports dev.st4j.internal.protobuf to dev.st4j.onnx;
    exports dev.st4j.internal.safetensors to dev.st4j.onnx, dev.st4j.engine;

    // Backends (st4j-onnx, st4j-engine) are found with ServiceLoader, from the module path as from the class path.
    uses dev.st4j.backend.BackendProvider;
}
