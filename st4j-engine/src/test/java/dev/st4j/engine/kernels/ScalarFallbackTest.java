package dev.st4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without {@code --add-modules jdk.incubator.vector} the engine runs the scalar kernels and says so once. */
class ScalarFallbackTest {

    /** Prints the kernels a JVM without the incubator module picks, and uses them twice. */
    public static void main(String[] args) {
        Kernels k = Kernels.preferred();
        float[] x = {1, 2, 3};
        k.gelu(x, 0, 3);
        Kernels.preferred().softmax(x, 0, 3);
        System.out.println("kernels=" + k.describe());
    }

    @Test
    void withoutTheIncubatorModuleTheScalarKernelsRunAndLogOnce() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ScalarFallbackTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("kernels=scalar"), out);
        int logged = out.split("--add-modules jdk.incubator.vector", -1).length - 1;
        assertEquals(1, logged, out);
    }
}
