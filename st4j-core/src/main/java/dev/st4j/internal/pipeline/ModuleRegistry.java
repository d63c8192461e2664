package dev.st4j.internal.pipeline;

import dev.st4j.ModelFormatException;
import dev.st4j.UnsupportedModelException;
import dev.st4j.pipeline.Dense;
import dev.st4j.pipeline.Dropout;
import dev.st4j.pipeline.LayerNorm;
import dev.st4j.pipeline.Module;
import dev.st4j.pipeline.Normalize;
import dev.st4j.pipeline.Pooling;
import dev.st4j.pipeline.Router;
import dev.st4j.pipeline.StaticEmbedding;
import dev.st4j.pipeline.Transformer;
import dev.st4j.pipeline.WeightedLayerPooling;
import dev.st4j.pipeline.WordEmbeddings;
import dev.st4j.pipeline.WordWeights;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sentence-transformers module classes st4j loads, by Python class name. Python imports old
 * ({@code sentence_transformers.models.Pooling}) and new ({@code sentence_transformers.base.modules.pooling.Pooling})
 * paths to the same classes, so a type resolves by its last dotted component once it is known to come from the
 * {@code sentence_transformers} package. Adding a module is its own file plus one line here.
 */
public final class ModuleRegistry {
    private static final Map<String, ModuleType> TYPES = new LinkedHashMap<>();

    static {
        register(Transformer.TYPE);
        register(StaticEmbedding.TYPE);
        register(Pooling.TYPE);
        register(Dense.TYPE);
        register(Normalize.TYPE);
        register(Dropout.TYPE);
        register(Router.TYPE);
        TYPES.put("Asym", Router.TYPE); // Router's old name; same files
        register(WordEmbeddings.TYPE);
        register(WordWeights.TYPE);
        register(LayerNorm.TYPE);
        register(WeightedLayerPooling.TYPE);
    }

    /** Python modules st4j refuses, with why. */
    private static final Map<String, String> REFUSED = Map.of(
            "CNN", "a convolution over word embeddings",
            "LSTM", "a recurrent network over word embeddings",
            "BoW", "a bag-of-words vectorizer",
            "CLIPModel", "an image-text model");

    private ModuleRegistry() {}

    private static void register(ModuleType type) {
        TYPES.put(type.className(), type);
    }

    /** The class names st4j loads. */
    public static Set<String> supported() {
        return Set.copyOf(TYPES.keySet());
    }

    /** The module type for a {@code modules.json} type string, if st4j knows it. */
    public static Optional<ModuleType> find(String typeRef) {
        if (typeRef == null || !typeRef.startsWith("sentence_transformers.")) {
            return Optional.empty();
        }
        return Optional.ofNullable(TYPES.get(className(typeRef)));
    }

    /** The last dotted component of a type string. */
    public static String className(String typeRef) {
        int dot = typeRef.lastIndexOf('.');
        return dot < 0 ? typeRef : typeRef.substring(dot + 1);
    }

    /**
     * The module type for a type string, or a typed error: custom code is refused (st4j never runs code from a
     * model folder), known-but-unsupported modules are named, anything else is a format error.
     */
    public static ModuleType resolve(String typeRef, String where, Path declaredIn) {
        if (typeRef == null || !typeRef.startsWith("sentence_transformers.")) {
            throw new UnsupportedModelException(declaredIn + ": " + where + " has type '" + typeRef
                    + "', which is custom code shipped with the model. st4j never runs code from a model folder "
                    + "(Python needs trust_remote_code=True for it); use a model built from standard "
                    + "sentence-transformers modules.");
        }
        String cls = className(typeRef);
        ModuleType type = TYPES.get(cls);
        if (type != null) {
            return type;
        }
        if (REFUSED.containsKey(cls)) {
            throw new UnsupportedModelException(declaredIn + ": " + where + " is a " + cls + " (" + REFUSED.get(cls)
                    + "), which st4j does not run (supported: " + List.copyOf(TYPES.keySet()) + ")");
        }
        throw new ModelFormatException(declaredIn, where + " has type '" + typeRef
                + "', which is not a sentence-transformers module st4j knows (supported: "
                + List.copyOf(TYPES.keySet()) + ")");
    }

    /**
     * Files a module of class {@code className} cannot load without, relative to its folder; empty for a class
     * st4j does not know (the load then fails with the reason).
     */
    public static List<String> requiredFiles(String className) {
        ModuleType t = TYPES.get(className);
        return t == null ? List.of() : t.requiredFiles();
    }

    /**
     * The type string st4j writes to {@code modules.json} for a module of class {@code className}: the old path,
     * which every Python version imports.
     */
    public static String savedTypeName(String className) {
        return resolve("sentence_transformers.models." + className, className, null).savedTypeName();
    }

    /** Files a module of class {@code className} reads when they exist, relative to its folder. */
    public static List<String> optionalFiles(String className) {
        ModuleType t = TYPES.get(className);
        return t == null ? List.of() : t.optionalFiles();
    }

    /** Loads the module a type string names, from the folder in {@code context}. */
    public static Module load(String typeRef, String where, ModuleContext context) {
        return resolve(typeRef, where, context.declaredIn()).loader().load(context);
    }
}
