package dev.st4j.internal.backends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.st4j.Fix;
import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.TransformerBackend;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.pipeline.Transformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the backends on the class path and picks one for a Transformer folder, by asking each whether it runs the
 * folder's architecture and which of its files it would load. The same choice serves local folders and hub
 * repositories (before anything but the configs is downloaded).
 */
public final class Backends {
    /**
     * Default order when the caller names no backend: the pure-Java engine (no native code) when it runs the
     * architecture and the folder has its weights, then ONNX Runtime, then any other backend by name.
     */
    private static final List<String> PREFERENCE = List.of("java", "onnx");

    /** The artifact that brings each backend st4j ships, for "add it to the class path" fixes. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "java", "dev.st4j:st4j-engine", "onnx", "dev.st4j:st4j-onnx");

    /** Naming an ONNX file (Python's {@code file_name}) picks this backend when the caller names none. */
    private static final String ONNX = "onnx";

    /** How deep a local folder is searched for weight files ({@code onnx/model.onnx} is at depth 2). */
    private static final int LISTING_DEPTH = 4;

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());

    private Backends() {}

    /** The backend chosen for a folder and the files (relative to it) it will load. */
    public record Choice(BackendProvider provider, List<String> weightFiles) {}

    /** The backends found with {@link ServiceLoader}, in the default order. */
    public static List<BackendProvider> available() {
        List<BackendProvider> out = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(out::add);
        out.sort(Comparator.comparingInt((BackendProvider p) -> {
            int i = PREFERENCE.indexOf(p.name());
            return i < 0 ? PREFERENCE.size() : i;
        }).thenComparing(BackendProvider::name));
        return out;
    }

    /** Opens the backend {@link #choose} picks for {@code folder} (its {@code config.json} read here). */
    public static TransformerBackend open(Path folder, String requested, BackendOptions options) {
        JsonNode config = ModelFolder.readJsonIfExists(folder.resolve("config.json"))
                .orElse(JsonNodeFactory.instance.objectNode());
        return open(folder, config, requested, options);
    }

    /**
     * Opens the backend {@link #choose} picks for {@code folder}, whose {@code config.json} is {@code config}. When
     * the default choice's loader refuses a setting that the architecture alone did not reveal (an activation, a
     * position type), the next backend with weights in the folder runs it instead, with a warning.
     */
    public static TransformerBackend open(Path folder, JsonNode config, String requested, BackendOptions options) {
        List<BackendProvider> providers = available();
        Set<String> files = listFiles(folder);
        Choice choice = choose(providers, requested, config, files, options, folder.toString());
        try {
            return choice.provider().open(folder, options);
        } catch (UnsupportedModelException refused) {
            if (requested != null || options.onnxFileName() != null) {
                throw refused;
            }
            List<BackendProvider> rest = providers.subList(providers.indexOf(choice.provider()) + 1, providers.size());
            Choice next;
            try {
                next = choose(rest, null, config, files, options, folder.toString());
            } catch (UnsupportedModelException none) {
                throw refused;
            }
            LOG.warning(() -> choice.provider().name() + " backend refused " + folder + " (" + refused.problem()
                    + "); running it on the " + next.provider().name() + " backend");
            return next.provider().open(folder, options);
        }
    }

    /**
     * Picks the backend for a Transformer folder.
     *
     * @param providers the installed backends, in the default order
     * @param requested the backend the caller named (any installed backend's name), or null for the default: the
     *     first backend that runs the architecture and finds its weights among {@code files} (with an ONNX file
     *     named, the ONNX backend)
     * @param config the folder's {@code config.json} (an empty object when it has none)
     * @param files every file of the folder, relative and {@code /}-separated (a hub repository: its listing)
     * @param where the folder or repository, for messages
     * @throws UnsupportedModelException no backend can load it; the message names the architecture, the files
     *     present and what would make it load, as {@link Fix}es
     */
    public static Choice choose(List<BackendProvider> providers, String requested, JsonNode config,
            Set<String> files, BackendOptions options, String where) {
        String named = requested != null ? requested : options.onnxFileName() != null ? ONNX : null;
        if (named != null) {
            return chooseNamed(providers, named, config, files, options, where);
        }
        List<String> reasons = new ArrayList<>();
        Set<Fix> fixes = new LinkedHashSet<>();
        for (BackendProvider p : providers) {
            BackendProvider.Support support = supports(p, config, options);
            if (!support.runs()) {
                reasons.add(p.name() + ": " + support.refusal());
                continue;
            }
            BackendProvider.WeightFiles weights = p.weightFiles(files, options);
            if (weights.found()) {
                return new Choice(p, weights.files());
            }
            reasons.add(p.name() + ": " + weights.missing());
            fixes.addAll(weights.fixes());
        }
        Set<String> installed = providers.stream().map(BackendProvider::name).collect(Collectors.toSet());
        ARTIFACTS.forEach((name, artifact) -> {
            if (!installed.contains(name)) {
                fixes.add(Fix.dependency(artifact + " (the \"" + name + "\" backend)"));
            }
        });
        String problem = providers.isEmpty()
                ? where + " (" + architecture(config) + ") cannot be loaded: no backend is on the class path"
                : where + " (" + architecture(config) + "; files " + summary(files)
                        + ") cannot be loaded by any installed backend: " + String.join("; ", reasons);
        throw new UnsupportedModelException(problem, List.copyOf(fixes));
    }

    private static Choice chooseNamed(List<BackendProvider> providers, String name, JsonNode config,
            Set<String> files, BackendOptions options, String where) {
        BackendProvider chosen = providers.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        if (chosen == null) {
            List<Fix> fixes = new ArrayList<>();
            if (ARTIFACTS.containsKey(name)) {
                fixes.add(Fix.dependency(ARTIFACTS.get(name)));
            }
            fixes.addAll(alternatives(providers, null, config, files, options));
            throw new UnsupportedModelException("backend '" + name + "' is not on the class path (installed: "
                    + providers.stream().map(BackendProvider::name).toList() + ")", fixes);
        }
        BackendProvider.Support support = supports(chosen, config, options);
        if (!support.runs()) {
            throw new UnsupportedModelException(where + ": " + support.refusal(),
                    alternatives(providers, chosen, config, files, options));
        }
        BackendProvider.WeightFiles weights = chosen.weightFiles(files, options);
        if (!weights.found()) {
            List<Fix> fixes = new ArrayList<>(weights.fixes());
            fixes.addAll(alternatives(providers, chosen, config, files, options));
            throw new UnsupportedModelException(where + " (files " + summary(files) + "): " + weights.missing(),
                    fixes);
        }
        return new Choice(chosen, weights.files());
    }

    /** "Choose backend X" for every other installed backend that would load the folder. */
    private static List<Fix> alternatives(List<BackendProvider> providers, BackendProvider except, JsonNode config,
            Set<String> files, BackendOptions options) {
        // The alternative is judged without an ONNX file name: naming one is what chose the failing backend.
        BackendOptions plain = new BackendOptions(options.threads(), null, options.tokenizer(),
                options.replaceUnpairedSurrogates(), options.device());
        List<Fix> out = new ArrayList<>();
        for (BackendProvider p : providers) {
            if (p != except && supports(p, config, plain).runs() && p.weightFiles(files, plain).found()) {
                out.add(Fix.backend(p.name()));
            }
        }
        return out;
    }

    /** Whether {@code p} runs the architecture on the options' device: the device first, it is cheaper to say. */
    private static BackendProvider.Support supports(BackendProvider p, JsonNode config, BackendOptions options) {
        BackendProvider.Support device = p.runsOn(options.device());
        return device.runs() ? p.supports(config, options) : device;
    }

    /** Every file under {@code folder}, relative and {@code /}-separated (empty when it is not a folder). */
    public static Set<String> listFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(folder, LISTING_DEPTH)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new ModelFormatException(folder, "cannot list the folder: " + e.getMessage(), e);
        }
    }

    private static String architecture(JsonNode config) {
        String type = config.path("model_type").asText("");
        return type.isEmpty() ? "config.json names no model_type" : "model_type '" + type + "'";
    }

    /** The folder's files for a message, sorted, at most a dozen. */
    private static String summary(Set<String> files) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(files));
        if (sorted.size() <= 12) {
            return sorted.toString();
        }
        return sorted.subList(0, 12).toString().replace("]", ", ... " + (sorted.size() - 12) + " more]");
    }
}
