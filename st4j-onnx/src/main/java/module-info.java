/**
 * The ONNX Runtime backend: runs a model folder's ONNX export ({@code backend("onnx")}). Found by
 * {@code ServiceLoader}; nothing is exported.
 */
@SuppressWarnings("requires-automatic") // onnxruntime: an automatic module with a stable name
module dev.st4j.onnx {
    requires dev.st4j;
    requires com.microsoft.onnxruntime; // its jar's Automatic-Module-Name
    requires java.logging;

    provides dev.st4j.backend.BackendProvider with dev.st4j.onnx.OnnxBackendProvider;
}
