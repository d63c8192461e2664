package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code --device} on the embedded all-MiniLM-L6-v2. The test class path has ONNX Runtime's CPU build, so CUDA is
 * refused for real, naming the artifact; the Java engine refuses CUDA whatever is installed. Errors name flags.
 */
class DeviceFlagTest {
    @Test
    void cpuIsTheDefaultAndGivesTheSameRows() {
        CommandLineTest.Run plain = CommandLineTest.run("encode", "hello world");
        CommandLineTest.Run cpu = CommandLineTest.run("encode", "--device", "cpu", "hello world");
        assertEquals(0, cpu.exit(), cpu.err());
        assertArrayEquals(CommandLineTest.numbers(plain.out()), CommandLineTest.numbers(cpu.out()), 0f);
    }

    @Test
    void cudaWithoutTheGpuBuildOfOnnxRuntimeNamesTheArtifact() {
        CommandLineTest.Run r = CommandLineTest.run("encode", "--device", "cuda:0", "hello world");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("cuda:0") && r.err().contains("com.microsoft.onnxruntime:onnxruntime_gpu:1."),
                r.err());
        assertTrue(r.err().contains("the java backend runs on the CPU only"), r.err());
    }

    @Test
    void theJavaEngineOnCudaIsRefusedNamingTheOnnxBackend() {
        CommandLineTest.Run r = CommandLineTest.run("encode", "--backend", "java", "--device", "cuda", "hello");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("the java backend runs on the CPU only, not on cuda:0")
                && r.err().contains("the onnx backend"), r.err());
        assertFalse(r.err().contains("LoadOptions"), r.err());
    }

    @Test
    void anUnknownDeviceIsNamedByItsFlag() {
        for (String bad : new String[] {"gpu", "mps", "cuda:-1", "cuda:x"}) {
            CommandLineTest.Run r = CommandLineTest.run("encode", "--device", bad, "hello");
            assertTrue(r.exit() != 0, bad);
            assertTrue(r.err().contains("--device: '" + bad + "'") && r.err().contains("cuda:N"), r.err());
        }
    }
}
