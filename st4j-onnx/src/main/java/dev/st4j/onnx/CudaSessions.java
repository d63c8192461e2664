package dev.st4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.st4j.backend.Device;

/**
 * ONNX Runtime's CUDA execution provider as st4j uses it: whether the ONNX Runtime on the class path has it (the
 * GPU build, {@value Device#CUDA_ARTIFACT}, has; the CPU build st4j depends on has not), and how a session is put
 * on GPU {@code N}. A seam: this machine has no GPU, so tests stand in for it.
 */
interface CudaSessions {
    boolean available();

    /** Puts the session these options create on GPU {@code device}. */
    void place(OrtSession.SessionOptions options, int device) throws OrtException;

    /** ONNX Runtime itself. */
    CudaSessions ONNX_RUNTIME = new CudaSessions() {
        @Override
        public boolean available() {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        }

        @Override
        public void place(OrtSession.SessionOptions options, int device) throws OrtException {
            options.addCUDA(device);
        }
    };

    /** Why CUDA cannot run here, naming the artifact that brings it. */
    static String unavailable(Device device) {
        String version = OrtEnvironment.getEnvironment().getVersion();
        return device + " needs ONNX Runtime's CUDA execution provider, and the ONNX Runtime on the class path has "
                + "only " + OrtEnvironment.getAvailableProviders() + ": put " + Device.CUDA_ARTIFACT + ":" + version
                + " on the class path in place of com.microsoft.onnxruntime:onnxruntime (exclude it from st4j-onnx; "
                + "the two must not both be there), with CUDA 12 and cuDNN 9 installed, or run on \"cpu\"";
    }
}
