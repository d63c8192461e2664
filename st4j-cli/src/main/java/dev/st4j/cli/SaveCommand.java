package dev.st4j.cli;

import dev.st4j.SentenceTransformer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code st4j save MODEL DIR}: any loadable model, embedded ones included, in the Python layout. */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = "Save a model (hub id, short name, embedded model or folder) into DIR, in the layout Python's "
                + "SentenceTransformer(DIR) and st4j --model DIR load.")
final class SaveCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to save.")
    String model;

    @Parameters(index = "1", paramLabel = "DIR", description = "Target folder (created if missing; other files "
            + "in it stay).")
    Path dir;

    @Option(names = "--model-name", paramLabel = "ID", description = "The model id the card's usage example names.")
    String modelName;

    @Option(names = "--no-model-card", description = "Do not write README.md.")
    boolean noModelCard;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        modelOptions.model = model;
        try (SentenceTransformer m = modelOptions.load()) {
            m.savePretrained(dir, modelName, !noModelCard);
        }
        spec.commandLine().getOut().println(dir.toAbsolutePath());
        return 0;
    }
}
