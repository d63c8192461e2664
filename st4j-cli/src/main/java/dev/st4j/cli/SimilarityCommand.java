package dev.st4j.cli;

import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code st4j similarity}: the similarity matrix of the given texts. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = "Print the similarity matrix of texts (arguments, else one per line on standard input).")
final class SimilarityCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--function", paramLabel = "cosine|dot|euclidean|manhattan",
            description = "Similarity function (default: the model's, cosine if it names none).")
    String function;

    @Option(names = "--normalize", description = "L2-normalize the embeddings first.")
    boolean normalize;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to compare.")
    List<String> texts;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> inputs = Inputs.texts(texts);
        Inputs.checkNotEmpty(inputs);
        SimilarityFunction f = function == null ? null : SimilarityFunction.fromName(function);
        try (SentenceTransformer model = modelOptions.load()) {
            if (f != null) {
                model.setSimilarityFunction(f);
            }
            FloatMatrix emb = model.encode(inputs,
                    dev.st4j.EncodeOptions.builder().normalizeEmbeddings(normalize).build());
            spec.commandLine().getOut().println(model.similarity(emb, emb));
        }
        return 0;
    }
}
