package dev.st4j.internal.encoding;

import java.util.Locale;

/**
 * A device string as sentence-transformers takes it: {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}.
 *
 * @param cuda whether it names a CUDA GPU
 * @param index the GPU number ({@code cuda:N}); 0 for the CPU
 */
public record Device(boolean cuda, int index) {
    /** The ONNX Runtime artifact that carries the CUDA execution provider. */
    public static final String CUDA_ARTIFACT = "com.microsoft.onnxruntime:onnxruntime_gpu";

    /** Parses one entry of the {@code devices} argument. */
    public static Device parse(String device) {
        if (device == null) {
            throw new IllegalArgumentException("devices must not contain null; use \"cpu\", \"cuda\" or \"cuda:N\"");
        }
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return new Device(false, 0);
        }
        if (d.equals("cuda")) {
            return new Device(true, 0);
        }
        if (d.startsWith("cuda:")) {
            String n = d.substring(5);
            if (!n.isEmpty() && n.length() <= 4 && n.chars().allMatch(Character::isDigit)) {
                return new Device(true, Integer.parseInt(n));
            }
        }
        throw new IllegalArgumentException("devices: '" + device
                + "' is not a device st4j knows; use \"cpu\", \"cuda\" or \"cuda:N\" (N = 0, 1, ...)");
    }

    /**
     * Fails clearly when CUDA is asked for: without ONNX Runtime's GPU build on the class path there is no CUDA
     * execution provider; with it, st4j does not run CUDA workers yet.
     */
    public void checkAvailable() {
        if (!cuda) {
            return;
        }
        if (!cudaProviderOnClassPath()) {
            throw new IllegalArgumentException("devices: '" + this + "' needs ONNX Runtime's CUDA execution provider, "
                    + "which is not on the class path; replace com.microsoft.onnxruntime:onnxruntime with "
                    + CUDA_ARTIFACT + " (the same version) and a CUDA 12 runtime, or use \"cpu\"");
        }
        throw new UnsupportedOperationException("devices: '" + this + "': " + CUDA_ARTIFACT
                + " is on the class path, but st4j does not run CUDA workers yet; use \"cpu\"");
    }

    /** The GPU build ships the CUDA provider library next to ONNX Runtime's own. */
    static boolean cudaProviderOnClassPath() {
        ClassLoader loader = Device.class.getClassLoader();
        return loader.getResource("ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so") != null
                || loader.getResource("ai/onnxruntime/native/win-x64/onnxruntime_providers_cuda.dll") != null;
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + index : "cpu";
    }
}
