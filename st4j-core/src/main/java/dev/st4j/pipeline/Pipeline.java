package dev.st4j.pipeline;

import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.model.ModelFolder;
import dev.st4j.model.ModuleSpec;
import dev.st4j.model.SentenceTransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/** The ordered modules of a model, built from {@code modules.json} (or Transformer + mean Pooling without it). */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());

    /** sentence-transformers modules that exist in Python but that st4j cannot run yet. */
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "Router", "Asym", "WordEmbeddings", "WordWeights", "LayerNorm", "CNN", "LSTM", "BoW",
            "WeightedLayerPooling", "CLIPModel");
    private static final Set<String> SUPPORTED = Set.of("Transformer", "StaticEmbedding", "Pooling", "Dense", "Normalize", "Dropout");

    private final InputModule input;
    private final List<Module> modules;
    private final List<ModuleSpec> specs;
    private final boolean hasModulesJson;

    private Pipeline(InputModule input, List<Module> modules, List<ModuleSpec> specs, boolean hasModulesJson) {
        this.input = input;
        this.modules = List.copyOf(modules);
        this.specs = List.copyOf(specs);
        this.hasModulesJson = hasModulesJson;
    }

    /** Loads every module of the model in {@code folder}. */
    public static Pipeline load(ModelFolder folder, SentenceTransformerConfig config, String backend,
            BackendOptions options) {
        Path modulesJson = folder.file("modules.json");
        boolean useModulesJson = Files.isRegularFile(modulesJson);
        if (useModulesJson && !"SentenceTransformer".equals(config.modelType())) {
            LOG.warning(() -> folder.root() + " is a " + config.modelType()
                    + " model; converting it to a SentenceTransformer with mean pooling");
            useModulesJson = false;
        }
        if (!useModulesJson) {
            Transformer t = Transformer.load(folder.root(), backend, options);
            return new Pipeline(t, List.of(t, new Pooling(t.outputDimension(), List.of(Pooling.Mode.MEAN), true)),
                    List.of(new ModuleSpec(0, "0", "", "sentence_transformers.models.Transformer"),
                            new ModuleSpec(1, "1", "1_Pooling", "sentence_transformers.models.Pooling")), false);
        }
        List<ModuleSpec> specs = ModuleSpec.readAll(modulesJson);
        // Check every entry before loading anything heavy, so a bad entry fails fast and names itself.
        for (ModuleSpec spec : specs) {
            checkType(spec, modulesJson);
            folder.resolve(spec.path(), modulesJson);
        }
        List<Module> modules = new ArrayList<>();
        InputModule input = null;
        int dim = -1;
        try {
            for (ModuleSpec spec : specs) {
                Path dir = folder.resolve(spec.path(), modulesJson);
                Module m = switch (spec.className()) {
                    case "Transformer", "StaticEmbedding" -> {
                        if (input != null || !modules.isEmpty()) {
                            throw new UnsupportedModelException(modulesJson + ": st4j runs one input module "
                                    + "(Transformer or StaticEmbedding), first; this model lists " + spec.type()
                                    + " at position " + spec.idx());
                        }
                        input = spec.className().equals("Transformer") ? Transformer.load(dir, backend, options)
                                : StaticEmbedding.load(dir);
                        yield input;
                    }
                    case "Pooling" -> Pooling.load(dir, dim);
                    case "Dense" -> Dense.load(dir);
                    case "Normalize" -> new Normalize();
                    case "Dropout" -> new Dropout();
                    default -> throw new AssertionError(spec);
                };
                modules.add(m);
                if (m.outputDimension() > 0) {
                    dim = m.outputDimension();
                }
            }
        } catch (RuntimeException e) {
            modules.forEach(Module::close);
            throw e;
        }
        if (input == null) {
            throw new UnsupportedModelException(modulesJson
                    + " has no Transformer or StaticEmbedding module; st4j needs one first");
        }
        return new Pipeline(input, modules, specs, true);
    }

    private static void checkType(ModuleSpec spec, Path modulesJson) {
        String type = spec.type();
        if (!type.startsWith("sentence_transformers.")) {
            throw new UnsupportedModelException(modulesJson + ": module " + spec.idx() + " has type '" + type
                    + "', which is custom code shipped with the model. st4j never runs code from a model folder "
                    + "(Python needs trust_remote_code=True for it); use a model built from standard "
                    + "sentence-transformers modules.");
        }
        String cls = spec.className();
        if (KNOWN_UNSUPPORTED.contains(cls)) {
            throw new UnsupportedModelException(modulesJson + ": module " + spec.idx() + " is a " + cls
                    + ", which st4j does not run yet (supported: " + SUPPORTED + ")");
        }
        if (!SUPPORTED.contains(cls)) {
            throw new ModelFormatException(modulesJson, "module " + spec.idx() + " has type '" + type
                    + "', which is not a sentence-transformers module");
        }
    }

    /** The first module: a Transformer or a StaticEmbedding. */
    public InputModule input() {
        return input;
    }

    public List<Module> modules() {
        return modules;
    }

    /** Where each module lives, parallel to {@link #modules()} (synthesized when the folder has no modules.json). */
    public List<ModuleSpec> specs() {
        return specs;
    }

    /** Whether the modules came from a {@code modules.json} (else: the default Transformer + mean Pooling). */
    public boolean hasModulesJson() {
        return hasModulesJson;
    }

    /** The width of the final sentence embedding. */
    public int embeddingDimension() {
        for (int i = modules.size() - 1; i >= 0; i--) {
            if (modules.get(i).outputDimension() > 0) {
                return modules.get(i).outputDimension();
            }
        }
        return input.outputDimension();
    }

    /** Runs every module on a batch. */
    public Features forward(TokenBatch batch, int promptLength) {
        Features f = new Features(batch, promptLength);
        for (Module m : modules) {
            m.forward(f);
        }
        return f;
    }

    /**
     * Runs the input module alone, the costly part of a forward pass; {@link #forwardRest} finishes the batch
     * (pooling and the modules after it), on another thread if the caller wants.
     */
    public Features forwardInput(TokenBatch batch, int promptLength) {
        Features f = new Features(batch, promptLength);
        input.forward(f);
        return f;
    }

    /** Runs the modules after the input module on a batch that {@link #forwardInput} started. */
    public void forwardRest(Features f) {
        for (int i = 1; i < modules.size(); i++) {
            modules.get(i).forward(f);
        }
    }

    /** Runs only the Transformer: token embeddings, as {@code output_value="token_embeddings"} gives them. */
    public Features forwardTokens(TokenBatch batch, int promptLength) {
        if (!(input instanceof Transformer)) {
            throw new UnsupportedModelException("token embeddings come from a Transformer; this model starts with "
                    + input.typeName());
        }
        Features f = new Features(batch, promptLength);
        input.forward(f);
        return f;
    }

    @Override
    public void close() {
        modules.forEach(Module::close);
    }
}
