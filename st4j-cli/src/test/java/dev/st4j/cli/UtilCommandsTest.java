package dev.st4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.cli.CommandLineTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** search, mine, cluster and evaluate on the seed sentences, whose similarity matrix sbert.net prints. */
class UtilCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path seedFile() throws IOException {
        Path f = dir.resolve("corpus.txt");
        Files.write(f, List.of(CommandLineTest.SEED));
        return f;
    }

    @Test
    void searchRanksTheCorpusAndReusesItsCacheUntilTheFileChanges() throws IOException {
        Path corpus = seedFile();
        Run first = CommandLineTest.run("search", "--corpus", corpus.toString(), "--top-k", "3", "--format", "json",
                CommandLineTest.SEED[0]);
        assertEquals(0, first.exit(), first.err());
        JsonNode hits = JSON.readTree(first.out()).get(0).get("hits");
        assertEquals(List.of(0, 1, 2), List.of(hits.get(0).get("corpus_id").asInt(), hits.get(1).get("corpus_id")
                .asInt(), hits.get(2).get("corpus_id").asInt()));
        assertEquals(0.6660, hits.get(1).get("score").asDouble(), 1e-4);
        assertEquals(0.1046, hits.get(2).get("score").asDouble(), 1e-4);
        assertFalse(first.err().contains("from the cache"));
        try (var files = Files.list(corpus.getParent().resolve(EmbeddingCache.FOLDER))) {
            assertEquals(1, files.count());
        }

        Run second = CommandLineTest.run("search", "--corpus", corpus.toString(), "--top-k", "3", CommandLineTest.SEED[0]);
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.err().contains("from the cache"), second.err());
        assertTrue(second.out().contains("0.6660") && second.out().contains("It's so sunny outside!"), second.out());

        // Another max sequence length is another key: not reused.
        Run option = CommandLineTest.run("search", "--corpus", corpus.toString(), "--max-seq-length", "128",
                CommandLineTest.SEED[0]);
        assertFalse(option.err().contains("from the cache"), option.err());

        // A changed file is encoded again: the old rows must not come back.
        Files.write(corpus, List.of("He drove to the stadium.", "The weather is lovely today."));
        Run changed = CommandLineTest.run("search", "--corpus", corpus.toString(), "--format", "json",
                CommandLineTest.SEED[0]);
        assertEquals(0, changed.exit(), changed.err());
        assertFalse(changed.err().contains("from the cache"), changed.err());
        JsonNode top = JSON.readTree(changed.out()).get(0).get("hits").get(0);
        assertEquals(1, top.get("corpus_id").asInt());
        assertEquals(1.0, top.get("score").asDouble(), 1e-5);
        try (var files = Files.list(corpus.getParent().resolve(EmbeddingCache.FOLDER))) {
            assertEquals(1, files.count(), "the stale entry is removed");
        }
    }

    @Test
    void badSearchArgumentsAreUsageErrors() throws IOException {
        Run r = CommandLineTest.run("search", "--corpus", seedFile().toString(), "--top-k", "0", "x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--top-k must be positive"), r.err());
        Run missing = CommandLineTest.run("search", "--corpus", dir.resolve("nope.txt").toString(), "x");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void mineListsPairsAboveTheThreshold() throws IOException {
        Run r = CommandLineTest.run("mine", "--threshold", "0.5", "--format", "json", seedFile().toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode pairs = JSON.readTree(r.out());
        assertEquals(1, pairs.size(), r.out());
        assertEquals(0, pairs.get(0).get("id1").asInt());
        assertEquals(1, pairs.get(0).get("id2").asInt());
        assertEquals(0.6660, pairs.get(0).get("score").asDouble(), 1e-4);
        Run all = CommandLineTest.run("mine", seedFile().toString());
        assertEquals(4, all.out().strip().lines().count(), all.out()); // header + 3 pairs
        assertTrue(all.out().contains("0.1411"), all.out());
    }

    @Test
    void clusterGroupsTheTwoWeatherSentences() throws IOException {
        Run r = CommandLineTest.run("cluster", "--threshold", "0.6", "--min-size", "2", seedFile().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Community 1 (2 lines):"), r.out());
        assertFalse(r.out().contains("stadium"), r.out());
        Run none = CommandLineTest.run("cluster", "--threshold", "0.7", "--min-size", "2", "--format", "json",
                seedFile().toString());
        assertEquals("[ ]", none.out().strip());
    }

    @Test
    void evaluateStsAndIrPrintPythonsMetricNames() throws IOException {
        String[] s = CommandLineTest.SEED;
        Path csv = dir.resolve("sts.csv");
        // Gold order 5 > 2 > 1 matches the cosines 0.6660 > 0.1411 > 0.1046: Spearman 1.
        Files.write(csv, List.of("sentence1,sentence2,score", "\"" + s[0] + "\",\"" + s[1] + "\",5",
                "\"" + s[0] + "\",\"" + s[2] + "\",1", "\"" + s[1] + "\",\"" + s[2] + "\",2"));
        Path out = dir.resolve("results");
        Run sts = CommandLineTest.run("evaluate", "sts", "--function", "cosine", "--output-dir", out.toString(),
                "--format", "json", csv.toString());
        assertEquals(0, sts.exit(), sts.err());
        JsonNode m = JSON.readTree(sts.out());
        assertEquals(1.0, m.get("spearman_cosine").asDouble(), 1e-12);
        assertEquals("spearman_cosine", m.get("primary_metric").asText());
        assertTrue(Files.isRegularFile(out.resolve("similarity_evaluation_results.csv")));

        Path corpus = dir.resolve("corpus.tsv");
        Files.write(corpus, List.of("d1\tMars, known for its reddish appearance, is often called the Red Planet.",
                "d2\tThe stock market fell sharply on Monday.", "d3\tBread is baked from flour, water and yeast."));
        Path queries = dir.resolve("queries.tsv");
        Files.write(queries, List.of("q1\tWhich planet is known as the Red Planet?", "q2\tHow is bread made?"));
        Path qrels = dir.resolve("qrels.txt");
        Files.write(qrels, List.of("q1 d1 1", "q2 d3 1"));
        Run ir = CommandLineTest.run("evaluate", "ir", "--corpus", corpus.toString(), "--queries", queries.toString(),
                "--qrels", qrels.toString());
        assertEquals(0, ir.exit(), ir.err());
        assertTrue(ir.out().contains("cosine_accuracy@1    1.0000"), ir.out());
        assertTrue(ir.out().contains("cosine_ndcg@10       1.0000  (primary)"), ir.out());

        Files.write(qrels, List.of("q1 d1 1", "q2 d3 one"));
        Run bad = CommandLineTest.run("evaluate", "ir", "--corpus", corpus.toString(), "--queries",
                queries.toString(), "--qrels", qrels.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains(qrels + ":2:"), bad.err());
    }
}
