package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code st4j similarity}: the similarity matrix of the given texts, or the scores of consecutive pairs. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = "Print the similarity matrix of texts (arguments, else one per line on standard input).")
final class SimilarityCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    EncodeFlags flags;

    @Option(names = "--function", paramLabel = "cosine|dot|euclidean|manhattan",
            description = "Similarity function (default: the model's, cosine if it names none).")
    String function;

    @Option(names = "--pairwise", description = "Score text 1 with text 2, text 3 with text 4, ... (Python's "
            + "similarity_pairwise) instead of every text with every text.")
    boolean pairwise;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to compare.")
    List<String> texts;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> inputs = Inputs.texts(texts, flags.replaceInvalidUtf8);
        Inputs.checkNotEmpty(inputs);
        if (pairwise && inputs.size() % 2 != 0) {
            throw new IllegalArgumentException("--pairwise needs an even number of texts (pairs in order); got "
                    + inputs.size());
        }
        SimilarityFunction f = function == null ? null : SimilarityFunction.fromName(function);
        try (SentenceTransformer model = modelOptions.load()) {
            if (f != null) {
                model.setSimilarityFunction(f);
            }
            EncodeOptions options = flags.resolve(model, flags.options().build());
            FloatMatrix emb = model.encode(inputs, options);
            if (!pairwise) {
                spec.commandLine().getOut().println(model.similarity(emb, emb));
                return 0;
            }
            List<float[]> a = new ArrayList<>();
            List<float[]> b = new ArrayList<>();
            for (int i = 0; i < emb.rows(); i += 2) {
                a.add(emb.row(i));
                b.add(emb.row(i + 1));
            }
            float[] scores = model.similarityPairwise(FloatMatrix.of(a.toArray(float[][]::new)),
                    FloatMatrix.of(b.toArray(float[][]::new)));
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < scores.length; i++) {
                out.append(i > 0 ? ", " : "").append(String.format(java.util.Locale.ROOT, "%.4f", scores[i]));
            }
            spec.commandLine().getOut().println(out.append("]"));
        }
        return 0;
    }
}
