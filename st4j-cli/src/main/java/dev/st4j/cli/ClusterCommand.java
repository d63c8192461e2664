package dev.st4j.cli;

import dev.st4j.FloatMatrix;
import dev.st4j.SemanticSearch;
import dev.st4j.SentenceTransformer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code st4j cluster}: communities of similar lines. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Group similar lines into communities (Python's util.community_detection), largest first; "
                + "the first member of each is its central point.")
final class ClusterCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.75",
            description = "Cosine similarity to the central point, inclusive (default 0.75).")
    float threshold;

    @Option(names = "--min-size", paramLabel = "N", defaultValue = "10",
            description = "Smallest community reported (default 10).")
    int minSize;

    @Mixin
    OutputOptions output;

    @Mixin
    LinesFile file;

    @Override
    public Integer call() throws Exception {
        if (minSize <= 0) {
            throw new IllegalArgumentException("--min-size must be positive, got " + minSize);
        }
        List<String> texts = file.read();
        FloatMatrix embeddings;
        try (SentenceTransformer model = modelOptions.load()) {
            embeddings = model.encode(texts);
        }
        List<List<Integer>> communities = SemanticSearch.communityDetection(embeddings, threshold, minSize, 1024);
        PrintWriter out = output.out();
        if (output.json()) {
            List<Map<String, Object>> json = new ArrayList<>();
            for (List<Integer> c : communities) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("size", c.size());
                m.put("members", c);
                m.put("texts", c.stream().map(texts::get).toList());
                json.add(m);
            }
            output.printJson(json);
            return 0;
        }
        if (communities.isEmpty()) {
            out.println("No community of " + minSize + " or more lines at threshold " + threshold + ".");
        }
        for (int i = 0; i < communities.size(); i++) {
            List<Integer> c = communities.get(i);
            out.println((i == 0 ? "" : "\n") + "Community " + (i + 1) + " (" + c.size() + " lines):");
            for (int m : c) {
                out.printf("  %6d  %s%n", m + 1, OutputFormat.cell(texts.get(m), 100));
            }
        }
        out.flush();
        return 0;
    }
}
