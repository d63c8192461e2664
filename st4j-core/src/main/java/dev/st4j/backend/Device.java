package dev.st4j.backend;

import java.util.Locale;

/**
 * Where a backend runs a forward pass, as sentence-transformers names devices: {@code cpu}, {@code cuda} (GPU 0)
 * or {@code cuda:N}. Backends run on the CPU unless they say otherwise ({@link BackendProvider#runsOn}); ONNX
 * Runtime runs CUDA devices through its CUDA execution provider.
 *
 * @param cuda whether it names a CUDA GPU
 * @param index the GPU number ({@code cuda:N}); 0 for the CPU
 */
public record Device(boolean cuda, int index) {
    /** The CPU. */
    public static final Device CPU = new Device(false, 0);

    /** The ONNX Runtime build that carries the CUDA execution provider, used in place of {@code onnxruntime}. */
    public static final String CUDA_ARTIFACT = "com.microsoft.onnxruntime:onnxruntime_gpu";

    public Device {
        if (index < 0 || (!cuda && index != 0)) {
            throw new IllegalArgumentException("a device is the cpu or cuda:N with N >= 0, got "
                    + (cuda ? "cuda:" : "cpu:") + index);
        }
    }

    /** GPU {@code index}. */
    public static Device cuda(int index) {
        return new Device(true, index);
    }

    /**
     * Parses a device string; a bad one fails naming {@code argument}, the caller's name for it ({@code "devices"},
     * {@code "device"}, {@code "--device"}).
     */
    public static Device parse(String device, String argument) {
        if (device == null) {
            throw new IllegalArgumentException(argument + " must not be null; use \"cpu\", \"cuda\" or \"cuda:N\"");
        }
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return CPU;
        }
        if (d.equals("cuda")) {
            return cuda(0);
        }
        if (d.startsWith("cuda:")) {
            String n = d.substring(5);
            if (!n.isEmpty() && n.length() <= 4 && n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return cuda(Integer.parseInt(n));
            }
        }
        throw new IllegalArgumentException(argument + ": '" + device
                + "' is not a device st4j knows; use \"cpu\", \"cuda\" or \"cuda:N\" (N = 0, 1, ...)");
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + index : "cpu";
    }
}
