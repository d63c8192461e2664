package dev.st4j.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.modelfolder.ModuleSpec;
import dev.st4j.internal.modelfolder.SentenceTransformerConfig;
import dev.st4j.pipeline.Module;
import dev.st4j.pipeline.Pooling;
import dev.st4j.pipeline.Router;
import dev.st4j.pipeline.StaticEmbedding;
import dev.st4j.pipeline.Transformer;
import dev.st4j.pipeline.WeightedLayerPooling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/** The ordered modules of a model, built from {@code modules.json} (or Transformer + Pooling without it). */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());

    private final List<Module> modules;
    private final List<String> names;
    private final boolean hasModulesJson;

    private Pipeline(List<Module> modules, List<String> names, boolean hasModulesJson) {
        this.modules = List.copyOf(modules);
        this.names = List.copyOf(names);
        this.hasModulesJson = hasModulesJson;
        // A Router without a default route answers only calls with a task; check the first route's layout instead.
        List<InputModule> inputs = inputs();
        if (inputs.isEmpty() || !(modules.get(0) instanceof InputModule || modules.get(0) instanceof Router)) {
            throw new UnsupportedModelException("the model's first module is a " + modules.get(0).typeName()
                    + "; st4j needs an input module first (Transformer, StaticEmbedding, WordEmbeddings, or a "
                    + "Router of them)");
        }
        checkAllLayers(modules);
    }

    /**
     * A module that mixes layers (WeightedLayerPooling) after a Transformer whose config asks for them
     * ({@code output_hidden_states}) needs a backend that returns them: fail at load, naming the fix, not per batch.
     */
    private static void checkAllLayers(List<Module> modules) {
        if (!(modules.get(0) instanceof Transformer t)) {
            return;
        }
        for (Module m : modules) {
            if (m instanceof WeightedLayerPooling w && t.outputsHiddenStates()) {
                t.requireAllLayers(w.typeName());
                t.hiddenLayers().ifPresent(w::checkLayerCount);
            }
        }
    }

    /** A pipeline of modules built in code (Python's {@code SentenceTransformer(modules=[...])}). */
    public static Pipeline of(List<Module> modules) {
        if (modules == null || modules.isEmpty()) {
            throw new IllegalArgumentException("modules must not be empty; start with a Transformer or "
                    + "StaticEmbedding");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < modules.size(); i++) {
            names.add(Integer.toString(i));
        }
        return new Pipeline(modules, names, true);
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
            return defaultModules(folder, backend, options);
        }
        List<ModuleSpec> specs = ModuleSpec.readAll(modulesJson);
        // Check every entry before loading anything heavy, so a bad entry fails fast and names itself.
        for (ModuleSpec spec : specs) {
            ModuleRegistry.resolve(spec.type(), "module " + spec.idx(), modulesJson);
            folder.resolve(spec.path(), modulesJson);
        }
        List<Module> modules = new ArrayList<>();
        int dim = -1;
        try {
            for (ModuleSpec spec : specs) {
                Path dir = folder.resolve(spec.path(), modulesJson);
                Module m = ModuleRegistry.load(spec.type(), "module " + spec.idx(),
                        new ModuleContext(folder, dir, modulesJson, backend, options, dim));
                modules.add(m);
                if (m.outputDimension() > 0) {
                    dim = m.outputDimension();
                }
            }
            return new Pipeline(modules, specs.stream().map(ModuleSpec::name).toList(), true);
        } catch (RuntimeException e) {
            modules.forEach(Module::close);
            throw e;
        }
    }

    /**
     * A plain Hugging Face folder: Transformer + Pooling, last-token pooling for a causal LM ({@code *ForCausalLM}
     * with {@code is_causal} not false), else mean (SPEC 1.9).
     */
    private static Pipeline defaultModules(ModelFolder folder, String backend, BackendOptions options) {
        Transformer t = Transformer.load(folder.root(), backend, options);
        Pooling.Mode mode = defaultPoolingMode(ModelFolder.readJsonIfExists(folder.file("config.json")).orElse(null));
        return new Pipeline(List.of(t, new Pooling(t.outputDimension(), List.of(mode), true)), List.of("0", "1"),
                false);
    }

    /** {@code lasttoken} when {@code architectures[0]} ends in {@code ForCausalLM} and {@code is_causal} is not false. */
    static Pooling.Mode defaultPoolingMode(JsonNode hfConfig) {
        if (hfConfig == null) {
            return Pooling.Mode.MEAN;
        }
        JsonNode arch = hfConfig.path("architectures").path(0);
        boolean causal = hfConfig.path("is_causal").asBoolean(true);
        return arch.isTextual() && arch.asText().endsWith("ForCausalLM") && causal ? Pooling.Mode.LAST_TOKEN
                : Pooling.Mode.MEAN;
    }

    /**
     * The modules one call runs for {@code task} (null: none): every Router replaced by its chosen route. The first
     * must be an input module (Transformer, StaticEmbedding, WordEmbeddings), whose tokenizer the call uses.
     */
    public Plan plan(String task) {
        List<Module> flat = new ArrayList<>();
        flatten(modules, task, flat);
        if (!(flat.get(0) instanceof InputModule input)) {
            throw new UnsupportedModelException("the model's first module is a " + flat.get(0).typeName()
                    + "; st4j needs an input module first (Transformer, StaticEmbedding or WordEmbeddings)");
        }
        for (int i = 1; i < flat.size(); i++) {
            if (flat.get(i) instanceof InputModule) {
                throw new UnsupportedModelException("module " + i + " (" + flat.get(i).typeName() + ") is a second "
                        + "input module; st4j runs one input module per route, first");
            }
        }
        return new Plan(input, List.copyOf(flat));
    }

    private static void flatten(List<Module> modules, String task, List<Module> out) {
        for (Module m : modules) {
            if (m instanceof Router r) {
                flatten(r.route(task), task, out);
            } else {
                out.add(m);
            }
        }
    }

    /** The input module of calls without a task (a Router's default route, else its first route). */
    public InputModule input() {
        try {
            return plan(null).input();
        } catch (IllegalArgumentException noDefaultRoute) {
            return inputs().get(0);
        }
    }

    /** Every input module, across every route (a max sequence length applies to them all). */
    public List<InputModule> inputs() {
        List<InputModule> out = new ArrayList<>();
        collectInputs(modules, out);
        return out;
    }

    private static void collectInputs(List<Module> modules, List<InputModule> out) {
        for (Module m : modules) {
            if (m instanceof Router r) {
                r.routes().values().forEach(l -> collectInputs(l, out));
            } else if (m instanceof InputModule i) {
                out.add(i);
            }
        }
    }

    /** The first Pooling module, if any (Python's {@code set_pooling_include_prompt} changes it). */
    public Optional<Pooling> firstPooling() {
        List<Module> all = new ArrayList<>();
        flatten(modules, null, all);
        return all.stream().filter(Pooling.class::isInstance).map(Pooling.class::cast).findFirst();
    }

    public List<Module> modules() {
        return modules;
    }

    /** The modules' names ({@code "0"}, {@code "1"}, ...), parallel to {@link #modules()}. */
    public List<String> names() {
        return names;
    }

    /** Whether the modules came from a {@code modules.json} or code (else: the default Transformer + Pooling). */
    public boolean hasModulesJson() {
        return hasModulesJson;
    }

    /**
     * The width of the final sentence embedding, as Python's {@code get_embedding_dimension}: the last module that
     * reports one (a Router reports its first route's).
     */
    public int embeddingDimension() {
        for (int i = modules.size() - 1; i >= 0; i--) {
            if (modules.get(i).outputDimension() > 0) {
                return modules.get(i).outputDimension();
            }
        }
        return -1;
    }

    /** Runs every module of the plan of calls without a task on a batch. */
    public Features forward(TokenBatch batch, int promptLength) {
        return plan(null).forward(batch, promptLength);
    }

    /** Runs only the input module of the plan of calls without a task. */
    public Features forwardTokens(TokenBatch batch, int promptLength) {
        return plan(null).forwardTokens(batch, promptLength);
    }

    @Override
    public void close() {
        modules.forEach(Module::close);
    }

    /**
     * The modules one call runs, routes resolved.
     *
     * @param input the first module, which tokenizes
     * @param modules every module in order, {@code input} first
     */
    public record Plan(InputModule input, List<Module> modules) {

        /** The width of the final sentence embedding. */
        public int embeddingDimension() {
            for (int i = modules.size() - 1; i >= 0; i--) {
                if (modules.get(i).outputDimension() > 0) {
                    return modules.get(i).outputDimension();
                }
            }
            return input.outputDimension();
        }

        /** The same plan with another copy of its input module (the one on a worker's device). */
        public Plan withInput(InputModule other) {
            if (other == input) {
                return this;
            }
            List<Module> replaced = new ArrayList<>(modules);
            replaced.set(0, other);
            return new Plan(other, List.copyOf(replaced));
        }

        /** Runs every module on a batch. */
        public Features forward(TokenBatch batch, int promptLength) {
            Features f = features(batch, promptLength);
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
            Features f = features(batch, promptLength);
            input.forward(f);
            return f;
        }

        /** The features of one batch, asking the input module for every layer when a module mixes them. */
        private Features features(TokenBatch batch, int promptLength) {
            Features f = new Features(batch, promptLength);
            if (modules.stream().anyMatch(Module::needsAllLayers)) {
                f.requestAllLayers();
            }
            return f;
        }

        /** Runs the modules after the input module on a batch that {@link #forwardInput} started. */
        public void forwardRest(Features f) {
            for (int i = 1; i < modules.size(); i++) {
                modules.get(i).forward(f);
            }
        }

        /** Runs only the input module: token embeddings, as {@code output_value="token_embeddings"} gives them. */
        public Features forwardTokens(TokenBatch batch, int promptLength) {
            if (!input.producesTokenEmbeddings()) {
                throw new UnsupportedModelException("token embeddings come from a Transformer or WordEmbeddings; "
                        + "this model starts with " + input.typeName() + ", which gives sentence embeddings only");
            }
            Features f = new Features(batch, promptLength);
            input.forward(f);
            return f;
        }
    }
}
