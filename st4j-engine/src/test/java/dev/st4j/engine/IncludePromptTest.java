package dev.st4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.engine.fixtures.ReferenceModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INSTRUCTOR's rule (SPEC 2.1 and 3, {@code include_prompt=False}): the prompt's length is its token count tokenized
 * alone with special tokens, minus a trailing special token (so for BERT {@code [CLS] p1 p2 [SEP]} it is 3:
 * {@code [CLS]} counts as prompt), and pooling ignores that many real positions of each row, after any left
 * padding; the network still attends to them. The model is the tiny reference BERT behind a word-level tokenizer,
 * so that prompt + text tokenizes back to the recorded 40-token row; the expected vectors are transformers'
 * recorded {@code last_hidden_state} of that row, averaged here over positions 3..39 (mean) or taken at position 3
 * (CLS).
 */
class IncludePromptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROW = 3;
    private static final int PROMPT_WORDS = 2;

    @TempDir
    Path tmp;

    @Test
    void poolingSkipsThePromptTokensCountedWithClsAndWithoutTheTrailingSep() throws IOException {
        ReferenceModels.Folder bert = ReferenceModels.folders(List.of("bert")).get(0);
        ReferenceModels.Variant v = bert.variants().get(0);
        List<String> words = rowWords(v);
        String prompt = String.join(" ", words.subList(0, PROMPT_WORDS)) + " ";
        String text = String.join(" ", words.subList(PROMPT_WORDS, words.size()));
        // A longer, unchecked second text makes the checked row padded (on the side the tokenizer says).
        List<String> longer = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            longer.add("w" + (200 + i));
        }
        int promptLength = 1 + PROMPT_WORDS; // [CLS] p1 p2, the trailing [SEP] not counted
        double[][] hidden = v.hidden()[ROW];
        int n = v.batch().lengths()[ROW];
        float[] mean = new float[hidden[0].length];
        for (int d = 0; d < mean.length; d++) {
            double s = 0;
            for (int t = promptLength; t < n; t++) {
                s += hidden[t][d];
            }
            mean[d] = (float) (s / (n - promptLength));
        }
        float[] cls = ReferenceModels.toFloat(hidden[promptLength]);
        for (String side : List.of("right", "left")) {
            for (String mode : List.of("mean", "cls")) {
                Path folder = model(bert, side, mode);
                try (SentenceTransformer m = SentenceTransformer.load(folder,
                        LoadOptions.builder().backend("java").build())) {
                    EncodeOptions options = EncodeOptions.builder().prompt(prompt).build();
                    // With the prompt included, the whole recorded row is pooled.
                    float[] all = m.encode(List.of(text, String.join(" ", longer)), options).row(0);
                    double[] whole = mode.equals("mean") ? v.mean()[ROW] : v.cls()[ROW];
                    assertArrayEquals(ReferenceModels.toFloat(whole), all, 1e-5f,
                            side + " " + mode + " with the prompt");
                    m.setPoolingIncludePrompt(false);
                    FloatMatrix e = m.encode(List.of(text, String.join(" ", longer)), options);
                    assertArrayEquals(mode.equals("mean") ? mean : cls, e.row(0), 1e-5f,
                            side + " " + mode + " without the prompt");
                }
            }
        }
    }

    private static List<String> rowWords(ReferenceModels.Variant v) {
        int seq = v.batch().seqLength();
        List<String> words = new ArrayList<>();
        for (int t = 1; t < v.batch().lengths()[ROW] - 1; t++) {
            words.add(ReferenceModels.bertWord(v.batch().inputIds()[ROW * seq + t]));
        }
        return words;
    }

    private Path model(ReferenceModels.Folder bert, String paddingSide, String mode) throws IOException {
        Path dir = tmp.resolve(paddingSide + "-" + mode);
        ReferenceModels.copy(bert, dir, c -> c, name -> name, Map.of());
        ReferenceModels.writeBertWordTokenizer(dir, bert.config().get("vocab_size").asInt(), paddingSide);
        ArrayNode modules = JSON.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        modules.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        JSON.writeValue(dir.resolve("modules.json").toFile(), modules);
        Path pooling = Files.createDirectories(dir.resolve("1_Pooling"));
        JSON.writeValue(pooling.resolve("config.json").toFile(), JSON.createObjectNode()
                .put("embedding_dimension", bert.config().get("hidden_size").asInt()).put("pooling_mode", mode));
        return dir;
    }
}
