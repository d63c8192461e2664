package dev.st4j.engine.kernels;

import java.lang.reflect.InvocationTargetException;

/**
 * Picks the kernels once, as Lucene's vectorization provider does: the Vector API implementation when the
 * incubator module is in the boot layer and the CPU has useful vector width, else the scalar one with a single log
 * line saying how to enable the fast path. {@code -Dst4j.kernels=scalar} forces the scalar path.
 */
final class KernelsChoice {
    static final String MODULE = "jdk.incubator.vector";
    static final Kernels PREFERRED = choose();

    private KernelsChoice() {}

    private static Kernels choose() {
        System.Logger log = System.getLogger("dev.st4j.engine");
        if ("scalar".equals(System.getProperty("st4j.kernels"))) {
            return ScalarKernels.INSTANCE;
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            log.log(System.Logger.Level.INFO, "st4j Java engine: running scalar kernels; add the JVM option "
                    + "--add-modules " + MODULE + " for the Vector API kernels (several times faster)");
            return ScalarKernels.INSTANCE;
        }
        try {
            // Loaded reflectively so that this class links without the incubator module.
            Class<?> c = Class.forName("dev.st4j.engine.kernels.VectorKernels");
            Kernels k = (Kernels) c.getDeclaredMethod("createIfUseful").invoke(null);
            if (k != null) {
                return k;
            }
            log.log(System.Logger.Level.INFO, "st4j Java engine: the CPU's vectors are narrower than 128 bits; "
                    + "running scalar kernels");
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            log.log(System.Logger.Level.WARNING, "st4j Java engine: Vector API kernels unavailable (" + cause
                    + "); running scalar kernels");
        }
        return ScalarKernels.INSTANCE;
    }
}
