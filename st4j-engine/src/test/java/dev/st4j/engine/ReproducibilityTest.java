package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same text gives the same bits wherever it is encoded, for a given thread count: alone, as the very first
 * batch of a fresh JVM (while the kernels still run interpreted or C1-compiled), and at several positions of mixed
 * batches before and after the JIT has compiled everything.
 */
class ReproducibilityTest {
    static final String ID = "sentence-transformers/all-MiniLM-L6-v2";
    static final String TEXT = "A man is playing a guitar on the stage.";
    static final List<String> OTHERS = List.of("Hi.", "The quick brown fox jumps over the lazy dog near the river bank.",
            "Ten", "Sentence embeddings map text to vectors that can be compared with cosine similarity, even for "
                    + "long inputs that span several clauses and many tokens.", "Guitar.", "A woman reads a book.");

    /** Every encoding of {@link #TEXT}, labelled, as the hex of its float bits. */
    static Map<String, String> encodings(int warmUpRounds) {
        Map<String, String> out = new LinkedHashMap<>();
        try (SentenceTransformer model = SentenceTransformer.load(ID, LoadOptions.builder().threads(2).build())) {
            out.put("alone, first batch", bits(model.encode(List.of(TEXT)).row(0)));
            for (int pos = 0; pos <= OTHERS.size(); pos += 2) {
                List<String> batch = new ArrayList<>(OTHERS);
                batch.add(pos, TEXT);
                out.put("position " + pos + " of " + batch.size(), bits(model.encode(batch).row(pos)));
            }
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                many.addAll(OTHERS);
            }
            for (int round = 0; round < warmUpRounds; round++) {
                model.encode(many, EncodeOptions.builder().batchSize(16).build());
            }
            out.put("alone, after warm-up", bits(model.encode(List.of(TEXT)).row(0)));
            List<String> mixed = new ArrayList<>(many.subList(0, 21));
            mixed.add(13, TEXT);
            FloatMatrix m = model.encode(mixed, EncodeOptions.builder().batchSize(8).build());
            out.put("position 13 of 22, batch size 8, after warm-up", bits(m.row(13)));
        }
        return out;
    }

    static String bits(float[] v) {
        byte[] b = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            int x = Float.floatToRawIntBits(v[i]);
            b[4 * i] = (byte) (x >>> 24);
            b[4 * i + 1] = (byte) (x >>> 16);
            b[4 * i + 2] = (byte) (x >>> 8);
            b[4 * i + 3] = (byte) x;
        }
        return HexFormat.of().formatHex(b);
    }

    /** Prints {@link #encodings()} from a fresh JVM, one {@code label=bits} line each. */
    public static void main(String[] args) {
        encodings(8).forEach((label, bits) -> System.out.println("encoding:" + label + "=" + bits));
    }

    @Test
    void sameTextSameBitsInEveryBatchPositionAndJitTier() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), ReproducibilityTest.class.getName())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        Map<String, String> fresh = new LinkedHashMap<>();
        text.lines().filter(l -> l.startsWith("encoding:")).forEach(l -> {
            String[] kv = l.substring("encoding:".length()).split("=", 2);
            fresh.put(kv[0], kv[1]);
        });
        assertEquals(7, fresh.size(), text);
        // This JVM has run the kernels before (other tests, and the warm-up), the child had not.
        Map<String, String> here = encodings(1);
        String reference = here.get("alone, after warm-up");
        for (Map.Entry<String, String> e : fresh.entrySet()) {
            assertEquals(reference, e.getValue(), "fresh JVM, " + e.getKey());
        }
        for (Map.Entry<String, String> e : here.entrySet()) {
            assertEquals(reference, e.getValue(), "this JVM, " + e.getKey());
        }
    }
}
