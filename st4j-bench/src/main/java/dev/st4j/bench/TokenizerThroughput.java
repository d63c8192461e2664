package dev.st4j.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.st4j.tokenizers.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Tokens per second, single-threaded, of st4j's Java tokenizer against Hugging Face tokenizers (Rust, via DJL) on
 * the throughput corpus, for a WordPiece (all-MiniLM-L6-v2), a byte-level BPE (roberta-base) and a Unigram
 * (paraphrase-multilingual-mpnet-base-v2, XLM-R) file. Both encode every text one call at a time with special
 * tokens and no truncation; the rounds alternate between the two and the best round of each counts.
 *
 * <p>Run (from the repository root):
 * <pre>
 * JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -q -pl st4j-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp 'st4j-bench/target/st4j-bench.jar:st4j-bench/target/lib/*' \
 *     dev.st4j.bench.TokenizerThroughput [--rounds=5] [--shared=../shared/data]
 * </pre>
 */
public final class TokenizerThroughput {
    private TokenizerThroughput() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("OPT_OUT_TRACKING", "true");
        int rounds = 5;
        Path shared = Path.of("..", "shared", "data");
        for (String a : args) {
            if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(a.substring("--rounds=".length()));
            } else if (a.startsWith("--shared=")) {
                shared = Path.of(a.substring("--shared=".length()));
            } else {
                throw new IllegalArgumentException("unknown option " + a + "; options: --rounds=N --shared=DIR");
            }
        }
        List<String> corpus = Throughput.corpus();
        System.out.printf("load average: %s; %d texts; java %s; single-threaded%n", loadAverage(), corpus.size(),
                System.getProperty("java.version"));
        String minilm;
        try (InputStream in = TokenizerThroughput.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            minilm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        run("WordPiece (all-MiniLM-L6-v2)", minilm, corpus, rounds);
        run("BPE (roberta-base)", Files.readString(shared.resolve("tokenizers/roberta-base.tokenizer.json")), corpus,
                rounds);
        String xlmr;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                shared.resolve("tokenizers/paraphrase-multilingual-mpnet-base-v2.tokenizer.json.gz")))) {
            xlmr = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        run("Unigram (XLM-R, multilingual-mpnet)", xlmr, corpus, rounds);
        System.out.printf("load average after: %s%n", loadAverage());
    }

    private static void run(String name, String json, List<String> corpus, int rounds) throws IOException {
        Tokenizer java = Tokenizer.fromString(json).withTruncation(null).withPadding(null);
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                Map.of("padding", "false", "truncation", "false"))) {
            double bestJava = 0;
            double bestDjl = 0;
            long tokens = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                long nJava = 0;
                for (String text : corpus) {
                    nJava += java.encode(text).length();
                }
                long t1 = System.nanoTime();
                long nDjl = 0;
                for (String text : corpus) {
                    nDjl += djl.encode(text, true, false).getIds().length;
                }
                long t2 = System.nanoTime();
                if (nJava != nDjl) {
                    throw new IllegalStateException(name + ": token counts differ, java " + nJava + " djl " + nDjl);
                }
                tokens = nJava;
                bestJava = Math.max(bestJava, nJava / ((t1 - t0) / 1e9));
                bestDjl = Math.max(bestDjl, nDjl / ((t2 - t1) / 1e9));
            }
            System.out.printf("%-38s %,d tokens: java %,.0f tokens/s, djl %,.0f tokens/s, java/djl %.2fx%n", name,
                    tokens, bestJava, bestDjl, bestJava / bestDjl);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
