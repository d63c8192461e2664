package dev.st4j.cli;

import dev.st4j.SentenceTransformer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code st4j info}: what a model is and how st4j runs it. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model: dimension, length, modules, backend.")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SentenceTransformer model = modelOptions.load()) {
            out.println("model:               " + modelOptions.model);
            out.println("folder:              " + model.folder());
            out.println("dimension:           " + model.getEmbeddingDimension());
            out.println("max sequence length: " + (model.getMaxSeqLength().isPresent() ? model.getMaxSeqLength().getAsInt() : "none"));
            out.println("similarity:          " + model.getSimilarityFunction().pythonName());
            out.println("prompts:             " + model.getPrompts());
            out.println("backend:             " + model.describeBackend());
            out.println("modules:");
            int i = 0;
            for (String m : model.describeModules()) {
                out.println("  " + i++ + ": " + m);
            }
        }
        return 0;
    }
}
