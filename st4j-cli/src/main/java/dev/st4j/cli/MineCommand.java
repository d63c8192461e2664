package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.MiningOptions;
import dev.st4j.SemanticSearch;
import dev.st4j.SentenceTransformer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code st4j mine}: paraphrase pairs among the lines of a file. */
@Command(name = "mine", mixinStandardHelpOptions = true,
        description = "List pairs of similar lines (Python's util.paraphrase_mining), best first.")
final class MineCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Only pairs scoring at least T (default: every pair found).")
    Float threshold;

    @Option(names = {"-k", "--top-k"}, paramLabel = "K", defaultValue = "100",
            description = "Partners considered per line (default 100).")
    int topK;

    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "500000",
            description = "Python's cap on the queue of directed pairs (default 500000).")
    int maxPairs;

    @Mixin
    OutputOptions output;

    @Mixin
    LinesFile file;

    @Override
    public Integer call() throws Exception {
        if (topK <= 0 || maxPairs <= 0) {
            throw new IllegalArgumentException("--top-k and --max-pairs must be positive");
        }
        List<String> texts = file.read();
        List<SemanticSearch.Pair> pairs;
        try (SentenceTransformer model = modelOptions.load()) {
            pairs = SemanticSearch.paraphraseMining(model, texts, EncodeOptions.defaults(),
                    MiningOptions.builder().topK(topK).maxPairs(maxPairs).build());
        }
        List<SemanticSearch.Pair> kept = pairs.stream()
                .filter(p -> threshold == null || p.score() >= threshold).toList();
        PrintWriter out = output.out();
        if (output.json()) {
            List<Map<String, Object>> json = new ArrayList<>();
            for (SemanticSearch.Pair p : kept) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("score", p.score());
                m.put("id1", p.first());
                m.put("id2", p.second());
                m.put("text1", texts.get(p.first()));
                m.put("text2", texts.get(p.second()));
                json.add(m);
            }
            output.printJson(json);
            return 0;
        }
        out.printf(Locale.ROOT, "%8s  %6s  %6s  %s%n", "score", "line1", "line2", "texts");
        for (SemanticSearch.Pair p : kept) {
            out.printf(Locale.ROOT, "%8.4f  %6d  %6d  %s | %s%n", p.score(), p.first() + 1, p.second() + 1,
                    OutputFormat.cell(texts.get(p.first()), 60), OutputFormat.cell(texts.get(p.second()), 60));
        }
        out.flush();
        return 0;
    }
}
