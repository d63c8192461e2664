/**
 * The pure-Java inference engine ({@code backend("java")}): BERT, DistilBERT, RoBERTa, MPNet, ModernBERT, Qwen3 and
 * Gemma 3 encoders over shared kernels, reading Hugging Face safetensors. Found by {@code ServiceLoader}; only the
 * kernels are exported, to the benchmarks.
 */
// The qualified export names st4j-bench, which is built after this module (javac's "module not found" lint).
@SuppressWarnings("module")
module dev.st4j.engine {
    requires dev.st4j;
    // The Vector API kernels load only when the module is present (--add-modules jdk.incubator.vector); without
    // it the engine runs its scalar kernels, on the module path as on the class path.
    requires static jdk.incubator.vector;

    exports dev.st4j.engine.kernels to dev.st4j.bench; // the matmul benchmark times the kernels directly

    provides dev.st4j.backend.BackendProvider with dev.st4j.engine.JavaEngineProvider;
}
