package dev.st4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.UnsupportedModelException;
import dev.st4j.model.ModelFolder;
import dev.st4j.model.ModuleSpec;
import dev.st4j.pipeline.ModuleRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which repository files a sentence-transformers model needs, so st4j fetches those and nothing else (no
 * {@code pytorch_model.bin}, no TensorFlow or Flax weights, no ONNX variants nobody asked for).
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
    static final String SAFETENSORS_INDEX = "model.safetensors.index.json";

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

    /**
     * The weights chosen for a Transformer folder.
     *
     * @param files the files to fetch, in order (for sharded safetensors: the index; the shards come from it)
     * @param sharded whether {@code files} is a safetensors index whose shards must follow
     */
    record Weights(List<String> files, boolean sharded) {}

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
     * Chooses the weights to fetch. {@code backend} {@code "onnx"} or {@code "java"} takes that format; with no
     * backend named, safetensors when the pure-Java engine is on the class path, else ONNX when ONNX Runtime is,
     * else whichever the repository has (safetensors first, which Python can also load).
     */
    static Weights chooseWeights(ModuleDir dir, Predicate<String> exists, String backend, String onnxFileName,
            Set<String> availableBackends, String repoId) {
        List<String> onnx = onnxFiles(dir, exists, onnxFileName);
        List<String> safetensors = exists.test(dir.file(SAFETENSORS)) ? List.of(dir.file(SAFETENSORS))
                : exists.test(dir.file(SAFETENSORS_INDEX)) ? List.of(dir.file(SAFETENSORS_INDEX)) : List.of();
        Weights st = new Weights(safetensors, !safetensors.isEmpty() && safetensors.get(0).endsWith(SAFETENSORS_INDEX));
        Weights ox = new Weights(onnx, false);
        if ("onnx".equals(backend) || (backend == null && onnxFileName != null)) {
            if (onnx.isEmpty()) {
                throw new UnsupportedModelException(repoId + " has no " + (onnxFileName == null
                        ? "onnx/model.onnx" : "ONNX file '" + onnxFileName + "'") + " in " + where(dir)
                        + "; pick another onnxFileName, or load its safetensors with the Java engine");
            }
            return ox;
        }
        if ("java".equals(backend)) {
            if (safetensors.isEmpty()) {
                throw new UnsupportedModelException(repoId + " has no model.safetensors in " + where(dir)
                        + " for the Java engine; use the ONNX backend if it has onnx/model.onnx");
            }
            return st;
        }
        if (availableBackends.contains("java") && !safetensors.isEmpty()) {
            return st;
        }
        if (availableBackends.contains("onnx") && !onnx.isEmpty()) {
            return ox;
        }
        if (!safetensors.isEmpty()) {
            return st;
        }
        if (!onnx.isEmpty()) {
            return ox;
        }
        throw new UnsupportedModelException(repoId + " has neither model.safetensors nor onnx/model.onnx in "
                + where(dir) + "; st4j cannot run PyTorch .bin weights. Convert the model to safetensors, or "
                + "export it to ONNX, and load that repository or folder instead.");
    }

    /** The shard files a safetensors index names, relative to the repository root. */
    static List<String> shards(ModuleDir dir, Path indexFile) {
        JsonNode map = ModelFolder.readJsonObject(indexFile).path("weight_map");
        Set<String> out = new LinkedHashSet<>();
        map.forEach(v -> out.add(dir.file(HubCache.checkRelative(v.asText()))));
        return List.copyOf(out);
    }

    /** The ONNX file as the ONNX backend looks it up, plus its external-data file when there is one. */
    private static List<String> onnxFiles(ModuleDir dir, Predicate<String> exists, String onnxFileName) {
        List<String> candidates = onnxFileName == null ? List.of("onnx/model.onnx", "model.onnx")
                : List.of(onnxFileName, "onnx/" + onnxFileName);
        for (String c : candidates) {
            String f = dir.file(c);
            if (exists.test(f)) {
                List<String> out = new ArrayList<>(List.of(f));
                for (String data : List.of(f + "_data", f + ".data")) {
                    if (exists.test(data)) {
                        out.add(data);
                    }
                }
                return List.copyOf(out);
            }
        }
        return List.of();
    }

    private static String where(ModuleDir dir) {
        return dir.path().isEmpty() ? "its root folder" : "folder " + dir.path();
    }
}
