package dev.st4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The public API of st4j-core is the list below, read from the compiled {@code module-info.class}: a new package
 * either goes under {@code dev.st4j.internal} (exported, if at all, only to st4j's own modules) or is added here on
 * purpose, with its {@code package-info.java}.
 */
class ExportedPackagesTest {
    private static final Set<String> PUBLIC = Set.of(
            "dev.st4j",            // SentenceTransformer, options records, FloatMatrix, exceptions, util helpers
            "dev.st4j.backend",    // the backend SPI
            "dev.st4j.eval",       // evaluators
            "dev.st4j.hub",        // the hub cache and downloads
            "dev.st4j.io",         // .npy and .safetensors embedding files
            "dev.st4j.pipeline");  // the modules a model is built from (SentenceTransformer.of)

    private static ModuleDescriptor descriptor() throws Exception {
        Path classes = Path.of(SentenceTransformer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ModuleFinder.of(classes).findAll().stream().map(ModuleReference::descriptor)
                .filter(d -> d.name().equals("dev.st4j")).findFirst()
                .orElseThrow(() -> new AssertionError("no module dev.st4j in " + classes));
    }

    @Test
    void exportsExactlyThePublicPackagesToEveryone() throws Exception {
        Set<String> unqualified = descriptor().exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(PUBLIC), unqualified);
    }

    @Test
    void everyOtherPackageIsInternalAndExportedOnlyToSt4jModules() throws Exception {
        ModuleDescriptor d = descriptor();
        Set<String> others = new TreeSet<>(d.packages());
        others.removeAll(PUBLIC);
        assertFalse(others.isEmpty(), "the module's packages were not recorded: " + d.packages());
        for (String p : others) {
            assertTrue(p.startsWith("dev.st4j.internal."), p + " is neither public (listed here) nor internal");
        }
        for (ModuleDescriptor.Exports e : d.exports()) {
            if (e.isQualified()) {
                assertTrue(e.source().startsWith("dev.st4j.internal."), e.source() + " is exported to a few");
                for (String target : e.targets()) {
                    assertTrue(target.startsWith("dev.st4j."), e.source() + " is exported to " + target);
                }
            }
        }
    }

    @Test
    void backendsAreFoundOnTheModulePathToo() throws Exception {
        assertEquals(Set.of("dev.st4j.backend.BackendProvider"), descriptor().uses());
    }

    @Test
    void everyPackageSaysWhatItIs() throws Exception {
        // Surefire runs in the module's folder; public packages say what they hold, internal ones that they are.
        for (String p : descriptor().packages()) {
            Path info = Path.of("src/main/java", p.replace('.', '/'), "package-info.java");
            assertTrue(Files.isRegularFile(info), "missing " + info);
            String text = Files.readString(info);
            if (p.startsWith("dev.st4j.internal.")) {
                assertTrue(text.contains("no compatibility promise"), info + " must say it is internal");
            }
        }
    }
}
