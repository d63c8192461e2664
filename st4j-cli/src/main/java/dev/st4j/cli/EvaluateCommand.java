package dev.st4j.cli;

import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import dev.st4j.eval.EmbeddingSimilarityEvaluator;
import dev.st4j.eval.EvaluationData;
import dev.st4j.eval.Evaluator;
import dev.st4j.eval.InformationRetrievalEvaluator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code st4j evaluate sts|ir}: sentence-transformers' evaluators from the command line. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model: sts (EmbeddingSimilarityEvaluator) or ir (InformationRetrievalEvaluator).",
        subcommands = {EvaluateCommand.Sts.class, EvaluateCommand.Ir.class})
final class EvaluateCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both evaluations share. */
    static final class Common {
        @Option(names = "--name", paramLabel = "NAME", defaultValue = "",
                description = "Evaluator name: prefixes the metric keys and names the CSV.")
        String name;

        @Option(names = "--output-dir", paramLabel = "DIR",
                description = "Append the results to the evaluator's CSV in DIR, as Python does.")
        Path outputDir;

        @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
                description = "Output format (default table).")
        OutputFormat format;
    }

    static int run(ModelOptions modelOptions, Common common, Evaluator evaluator, PrintWriter out)
            throws IOException {
        Map<String, Double> metrics;
        try (SentenceTransformer model = modelOptions.load()) {
            metrics = model.evaluate(evaluator, common.outputDir);
        }
        if (common.format == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>(metrics);
            json.put("primary_metric", evaluator.primaryMetric());
            OutputFormat.printJson(out, json);
            return 0;
        }
        int width = metrics.keySet().stream().mapToInt(String::length).max().orElse(6);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            out.printf(Locale.ROOT, "%-" + width + "s  %.4f%s%n", e.getKey(), e.getValue(),
                    e.getKey().equals(evaluator.primaryMetric()) ? "  (primary)" : "");
        }
        out.flush();
        return 0;
    }

    @Command(name = "sts", mixinStandardHelpOptions = true,
            description = "Pearson and Spearman correlation of pair similarities with gold scores, from a CSV of "
                    + "sentence1,sentence2,score lines (header optional).")
    static final class Sts implements Callable<Integer> {
        @Mixin
        ModelOptions modelOptions;

        @CommandLine.ArgGroup(exclusive = false, heading = "%n")
        Common common = new Common();

        @Option(names = "--function", paramLabel = "NAME", split = ",",
                description = "Similarity functions, comma-separated (default cosine,euclidean,manhattan,dot).")
        java.util.List<String> functions = java.util.List.of("cosine", "euclidean", "manhattan", "dot");

        @Parameters(paramLabel = "FILE.csv", description = "sentence1,sentence2,score per line.")
        Path file;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            EvaluationData.StsPairs pairs = EvaluationData.readSts(file);
            EmbeddingSimilarityEvaluator e = EmbeddingSimilarityEvaluator.builder(pairs.sentences1(),
                    pairs.sentences2(), pairs.scores()).name(common.name).similarityFunctions(
                            functions.stream().map(SimilarityFunction::fromName).toList()).build();
            return run(modelOptions, common, e, spec.commandLine().getOut());
        }
    }

    @Command(name = "ir", mixinStandardHelpOptions = true,
            description = "Retrieval metrics (accuracy, precision, recall @1/3/5/10, MRR@10, NDCG@10, MAP@100). "
                    + "Texts: BEIR JSON lines, id<TAB>text lines, or SMART .I/.W records (numbered by position, "
                    + "as Cranfield's qrels count them). Qrels: 'qid docid [grade]' or TREC 'qid 0 docid grade'.")
    static final class Ir implements Callable<Integer> {
        @Mixin
        ModelOptions modelOptions;

        @CommandLine.ArgGroup(exclusive = false, heading = "%n")
        Common common = new Common();

        @Option(names = "--corpus", paramLabel = "FILE", required = true, description = "Documents.")
        Path corpus;

        @Option(names = "--queries", paramLabel = "FILE", required = true, description = "Queries.")
        Path queries;

        @Option(names = "--qrels", paramLabel = "FILE", required = true, description = "Relevance judgements.")
        Path qrels;

        @Option(names = "--graded", description = "NDCG uses the qrels' grades as gains (default binary, as Python).")
        boolean graded;

        @Option(names = "--query-prompt", paramLabel = "TEXT", description = "Prompt before every query.")
        String queryPrompt;

        @Option(names = "--corpus-prompt", paramLabel = "TEXT", description = "Prompt before every document.")
        String corpusPrompt;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Map<String, String> q = EvaluationData.readTexts(queries);
            Map<String, String> c = EvaluationData.readTexts(corpus);
            Map<String, Map<String, Double>> rel = EvaluationData.readQrels(qrels);
            InformationRetrievalEvaluator.Builder b;
            if (graded) {
                b = InformationRetrievalEvaluator.gradedBuilder(q, c, rel);
            } else {
                Map<String, Set<String>> sets = new LinkedHashMap<>();
                rel.forEach((qid, docs) -> sets.put(qid, docs.entrySet().stream().filter(d -> d.getValue() > 0)
                        .map(Map.Entry::getKey).collect(Collectors.toCollection(java.util.LinkedHashSet::new))));
                b = InformationRetrievalEvaluator.builder(q, c, sets);
            }
            InformationRetrievalEvaluator e = b.name(common.name).queryPrompt(queryPrompt).corpusPrompt(corpusPrompt)
                    .build();
            return run(modelOptions, common, e, spec.commandLine().getOut());
        }
    }
}
