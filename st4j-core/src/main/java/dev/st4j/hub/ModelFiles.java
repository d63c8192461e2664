package dev.st4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.internal.backends.Backends;
import dev.st4j.internal.modelfolder.ModuleSpec;
import dev.st4j.internal.pipeline.ModuleRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which repository files a sentence-transformers model needs, so st4j fetches those and nothing else (no
 * {@code pytorch_model.bin}, no TensorFlow or Flax weights, no ONNX variants nobody asked for). Weights are the
 * backends' business: the one chosen for a Transformer folder names its files.
 */
final class ModelFiles {
    /** Read before anything else: they say which modules, and so which folders, the model has. */
    static final List<String> ROOT_CONFIGS = List.of("modules.json", "config_sentence_transformers.json");

    /** What a Transformer module's folder contributes besides weights. */
    static final List<String> TRANSFORMER_CONFIGS = List.of("config.json", "sentence_bert_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    /** Module configs older sentence-transformers versions wrote instead of {@code sentence_bert_config.json}. */
    static final List<String> LEGACY_MODULE_CONFIGS = List.of("sentence_roberta_config.json",
            "sentence_distilbert_config.json", "sentence_camembert_config.json", "sentence_albert_config.json",
            "sentence_xlm-roberta_config.json", "sentence_xlnet_config.json");

    static final String SAFETENSORS = "model.safetensors";

    private ModelFiles() {}

    /** A module folder of the model: its path in the repository ({@code ""} for the root) and its class name. */
    record ModuleDir(String path, String className) {
        boolean isTransformer() {
            return className.equals("Transformer");
        }

        String file(String name) {
            return path.isEmpty() ? name : path + "/" + name;
        }
    }

    /** The modules listed in {@code modules.json}, or a lone root Transformer when there is none. */
    static List<ModuleDir> modules(Path modulesJson) {
        if (modulesJson == null) {
            return List.of(new ModuleDir("", "Transformer"));
        }
        List<ModuleDir> out = new ArrayList<>();
        for (ModuleSpec spec : ModuleSpec.readAll(modulesJson)) {
            String p = spec.path().replace('\\', '/');
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.startsWith("./")) {
                p = p.substring(2);
            }
            if (!p.isEmpty()) {
                HubCache.checkRelative(p);
            }
            out.add(new ModuleDir(p, spec.className()));
        }
        return out;
    }

    /** The configuration and tokenizer files of a Transformer folder that the repository has. */
    static List<String> transformerConfigs(ModuleDir dir, Predicate<String> exists) {
        List<String> out = new ArrayList<>();
        for (String name : TRANSFORMER_CONFIGS) {
            out.add(dir.file(name));
        }
        if (!exists.test(dir.file("sentence_bert_config.json"))) {
            for (String legacy : LEGACY_MODULE_CONFIGS) {
                if (exists.test(dir.file(legacy))) {
                    out.add(dir.file(legacy));
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The files a module cannot load without, besides a Transformer's weights: what an offline load checks for
     * before it calls the cache complete. Each module type says which (see {@link ModuleRegistry}).
     */
    static List<String> requiredFiles(ModuleDir dir) {
        return ModuleRegistry.requiredFiles(dir.className()).stream().map(dir::file).toList();
    }

    /** Sub-module folders of a Router, named {@code {route}_{i}_{Class}} by Python. */
    private static final Pattern ROUTE_FOLDER = Pattern.compile("[^/]+_\\d+_[A-Za-z]+/");

    /**
     * The files of a non-Transformer module that the repository has: everything directly inside its own folder
     * (Pooling's config, Dense's config and weights), or, for a module saved in the root folder (such as
     * StaticEmbedding), the files its type reads by name. A Router also brings its route folders.
     */
    static List<String> moduleFiles(ModuleDir dir, Set<String> repoFiles) {
        Set<String> out = new LinkedHashSet<>();
        String prefix = dir.path().isEmpty() ? "" : dir.path() + "/";
        if (dir.className().equals("Router") || dir.className().equals("Asym")) {
            for (String f : repoFiles) {
                if (f.startsWith(prefix) && ROUTE_FOLDER.matcher(f.substring(prefix.length())).lookingAt()
                        && !skippedWeights(f, repoFiles)) {
                    out.add(f);
                }
            }
        }
        if (dir.path().isEmpty()) {
            out.addAll(requiredFiles(dir));
            ModuleRegistry.optionalFiles(dir.className()).forEach(f -> out.add(dir.file(f)));
            out.retainAll(repoFiles);
            return List.copyOf(out);
        }
        for (String f : repoFiles) {
            if (f.startsWith(prefix) && f.indexOf('/', prefix.length()) < 0 && !skippedWeights(f, repoFiles)) {
                out.add(f);
            }
        }
        return List.copyOf(out);
    }

    /** A folder may hold both weight formats; st4j reads only safetensors. */
    private static boolean skippedWeights(String file, Set<String> repoFiles) {
        return file.endsWith("pytorch_model.bin")
                && repoFiles.contains(file.substring(0, file.length() - "pytorch_model.bin".length()) + SAFETENSORS);
    }

    /**
     * Which backend will run a Transformer folder of the repository, and so which weights to fetch: the backends are
     * asked (see {@link Backends#choose}) with the folder's part of the repository listing. The chosen backend's
     * files come back relative to the repository root.
     *
     * @param config the folder's {@code config.json}, already fetched (an empty object when there is none)
     */
    static Backends.Choice chooseWeights(ModuleDir dir, Set<String> repoFiles, JsonNode config, String backend,
            BackendOptions options, List<BackendProvider> providers, String repoId) {
        Backends.Choice choice = Backends.choose(providers, backend, config, filesOf(dir, repoFiles), options,
                repoId + (dir.path().isEmpty() ? "" : " (folder " + dir.path() + ")"));
        return new Backends.Choice(choice.provider(), choice.weightFiles().stream().map(dir::file).toList());
    }

    /**
     * The files a fetched weight file names (shards, external data), relative to the repository root; each one is
     * checked to stay inside the repository.
     */
    static List<String> referencedFiles(ModuleDir dir, BackendProvider provider, String weightFile, Path localCopy) {
        String inFolder = dir.path().isEmpty() ? weightFile : weightFile.substring(dir.path().length() + 1);
        return provider.referencedFiles(inFolder, localCopy).stream()
                .map(f -> HubCache.checkRelative(dir.file(f))).toList();
    }

    /** The repository files inside a module folder, relative to it. */
    static Set<String> filesOf(ModuleDir dir, Set<String> repoFiles) {
        if (dir.path().isEmpty()) {
            return repoFiles;
        }
        String prefix = dir.path() + "/";
        return repoFiles.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

}
