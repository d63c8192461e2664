package dev.st4j.internal.embedded;

import dev.st4j.ModelFormatException;
import dev.st4j.St4jException;
import dev.st4j.internal.modelfolder.StalePartials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Models bundled in jars on the class path. Each model jar carries {@value #DESCRIPTOR}, which names the hub id
 * and maps the files of a hub-layout folder to class-path resources. On first use the folder is written to
 * {@code $ST4J_HOME/embedded} (default {@code ~/.cache/st4j/embedded}) atomically, and from then on it loads like
 * any local folder.
 *
 * <p>A descriptor line {@code convert.model.safetensors=onnx/model.onnx} asks for the ONNX export's weights as a
 * Hugging Face {@code model.safetensors} too (see {@link OnnxConversion}), so the pure-Java engine runs the model
 * without ONNX Runtime. The conversion runs once, inside the folder before it is published; every later
 * {@link #materialize} checks the converted file (converter version, sizes, checksums) and rebuilds it in place,
 * atomically, when it is stale, corrupt or missing.
 */
public final class EmbeddedModels {
    /** The descriptor every model jar holds. */
    public static final String DESCRIPTOR = "META-INF/st4j/embedded-model.properties";
    /** Descriptor key prefix: {@code convert.<file>=<onnx file>}. */
    private static final String CONVERT = "convert.";

    private EmbeddedModels() {}

    /** An embedded model as its descriptor describes it. */
    public record Embedded(String id, Properties descriptor, String descriptorText) {}

    /** Every embedded model on the class path. */
    public static List<Embedded> list() {
        List<Embedded> out = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader().getResources(DESCRIPTOR))) {
                String text;
                try (InputStream in = url.openStream()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Properties p = new Properties();
                p.load(new java.io.StringReader(text));
                out.add(new Embedded(p.getProperty("id"), p, text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedded model descriptors", e);
        }
        out.sort(Comparator.comparing(Embedded::id));
        return out;
    }

    /** The embedded model with this hub id (case-insensitive, as the hub treats ids). */
    public static Optional<Embedded> find(String repoId) {
        return list().stream().filter(e -> e.id().toLowerCase(Locale.ROOT).equals(repoId.toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** The hub ids of every embedded model. */
    public static List<String> ids() {
        return list().stream().map(Embedded::id).toList();
    }

    /** Writes the model's folder under the st4j home once, and returns it. */
    public static Path materialize(Embedded model) {
        Path home = st4jHome().resolve("embedded");
        Path target = home.resolve(model.id().replace('/', '_') + "-" + digest(model.descriptorText()));
        if (Files.isDirectory(target)) {
            checkConversions(model, target);
            return target;
        }
        try {
            Files.createDirectories(home);
            StalePartials.clean(home); // copies a process that died while unpacking left behind
            Path tmp = Files.createTempDirectory(home, ".partial-");
            try {
                writeFiles(model, tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // Another process finished first; its copy is complete, so use it.
                } catch (AtomicMoveNotSupportedException e) {
                    throw new St4jException("cannot publish " + target + " atomically: " + e.getMessage(), e);
                }
            } finally {
                deleteRecursively(tmp);
            }
        } catch (IOException e) {
            throw new St4jException("cannot write the embedded model " + model.id() + " to " + target + ": " + e
                    + " (set ST4J_HOME to a writable folder)", e);
        }
        return target;
    }

    private static void writeFiles(Embedded model, Path dir) throws IOException {
        Properties p = model.descriptor();
        String configRoot = p.getProperty("config.root");
        for (String entry : p.getProperty("config.files", "").trim().split("\\s+")) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.endsWith("/")) {
                Files.createDirectories(dir.resolve(entry));
            } else {
                copyResource(configRoot + "/" + entry, dir.resolve(entry));
            }
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("file.")) {
                copyResource(p.getProperty(key), dir.resolve(key.substring("file.".length())));
            }
        }
        for (Map.Entry<Path, Path> c : conversions(model, dir).entrySet()) {
            OnnxConversion.convert(c.getValue(), c.getKey());
        }
    }

    /** Converted file -> its ONNX source, from the descriptor's {@code convert.*} lines. */
    private static Map<Path, Path> conversions(Embedded model, Path dir) {
        Map<Path, Path> out = new TreeMap<>();
        for (String key : model.descriptor().stringPropertyNames()) {
            if (key.startsWith(CONVERT)) {
                out.put(dir.resolve(key.substring(CONVERT.length())), dir.resolve(model.descriptor().getProperty(key)));
            }
        }
        return out;
    }

    /** Whether the model's folder gets a {@code model.safetensors} (shipped or converted), for the Java engine. */
    public static boolean hasSafetensors(Embedded model) {
        return model.descriptor().containsKey("file.model.safetensors")
                || model.descriptor().containsKey(CONVERT + "model.safetensors");
    }

    /** Rebuilds, in place and atomically, any converted file of a published folder that is not intact and current. */
    private static void checkConversions(Embedded model, Path dir) {
        for (Map.Entry<Path, Path> c : conversions(model, dir).entrySet()) {
            Path out = c.getKey();
            String problem = OnnxConversion.problem(c.getValue(), out);
            if (problem == null) {
                continue;
            }
            System.getLogger("dev.st4j.embedded").log(System.Logger.Level.INFO,
                    "st4j: rebuilding " + out + " because " + problem);
            try {
                OnnxConversion.convert(c.getValue(), out);
            } catch (RuntimeException e) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // The file failed its check, and checks run before every use: it is never trusted.
                }
                throw new ModelFormatException(out, "cannot be rebuilt from " + c.getValue() + " (" + e.getMessage()
                        + "); delete the folder " + dir + " so that st4j unpacks the model again", e);
            }
        }
    }

    private static void copyResource(String resource, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try (InputStream in = loader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class-path resource " + resource + " is missing from the model jar");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@code st4j.home} system property, else {@code ST4J_HOME}, else {@code ~/.cache/st4j}. */
    public static Path st4jHome() {
        String prop = System.getProperty("st4j.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("ST4J_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "st4j");
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : EmbeddedModels.class.getClassLoader();
    }
}
