package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SearchOptions;
import dev.st4j.SemanticSearch;
import dev.st4j.SentenceTransformer;
import dev.st4j.SimilarityFunction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code st4j search}: the corpus lines closest to each query. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Find the corpus lines most similar to each query (Python's util.semantic_search). The corpus "
                + "embeddings are cached in .st4j-cache/ beside the corpus and reused while the file, model and "
                + "options stay the same.")
final class SearchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--corpus", paramLabel = "FILE", required = true, description = "Corpus, one text per line.")
    Path corpus;

    @Option(names = {"-k", "--top-k"}, paramLabel = "K", defaultValue = "10", description = "Hits per query (default 10).")
    int topK;

    @Option(names = "--function", paramLabel = "cosine|dot|euclidean|manhattan",
            description = "Score function (default: the model's, cosine if it names none).")
    String function;

    @Option(names = "--no-cache", description = "Encode the corpus again and do not write the cache.")
    boolean noCache;

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "QUERY", arity = "0..*", description = "Queries (else one per line on standard input).")
    List<String> queries;

    @Override
    public Integer call() throws Exception {
        if (topK <= 0) {
            throw new IllegalArgumentException("--top-k must be positive, got " + topK);
        }
        List<String> texts = TextFile.read(corpus, "--corpus");
        List<String> qs = Inputs.texts(queries);
        Inputs.checkNotEmpty(qs);
        PrintWriter out = output.out();
        try (SentenceTransformer model = modelOptions.load()) {
            SimilarityFunction f = function == null ? model.getSimilarityFunction()
                    : SimilarityFunction.fromName(function);
            EncodeOptions docOptions = EncodeOptions.defaults();
            FloatMatrix corpusEmb;
            if (noCache) {
                corpusEmb = model.encodeDocument(texts, docOptions);
            } else {
                String options = "document-encode " + docOptions + " max-seq-length " + model.getMaxSeqLength()
                        + " truncate-dim " + model.getTruncateDim() + " backend " + model.describeBackend();
                corpusEmb = EmbeddingCache.load(corpus, model, modelOptions.describe(), options,
                        () -> model.encodeDocument(texts, docOptions), output.err());
            }
            FloatMatrix queryEmb = model.encodeQuery(qs, EncodeOptions.defaults());
            List<List<SemanticSearch.Hit>> hits = SemanticSearch.semanticSearch(queryEmb, corpusEmb,
                    SearchOptions.builder().topK(topK).scoreFunction(f).build());
            if (output.json()) {
                List<Map<String, Object>> json = new ArrayList<>();
                for (int i = 0; i < qs.size(); i++) {
                    List<Map<String, Object>> h = new ArrayList<>();
                    for (SemanticSearch.Hit x : hits.get(i)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("corpus_id", x.corpusId());
                        m.put("score", x.score());
                        m.put("text", texts.get(x.corpusId()));
                        h.add(m);
                    }
                    json.add(Map.of("query", qs.get(i), "hits", h));
                }
                output.printJson(json);
                return 0;
            }
            for (int i = 0; i < qs.size(); i++) {
                out.println((i == 0 ? "" : "\n") + "Query: " + qs.get(i));
                out.printf(Locale.ROOT, "  %4s  %8s  %6s  %s%n", "rank", "score", "line", "text");
                int rank = 1;
                for (SemanticSearch.Hit x : hits.get(i)) {
                    out.printf(Locale.ROOT, "  %4d  %8.4f  %6d  %s%n", rank++, x.score(), x.corpusId() + 1,
                            OutputFormat.cell(texts.get(x.corpusId()), 100));
                }
            }
            out.flush();
        }
        return 0;
    }
}
