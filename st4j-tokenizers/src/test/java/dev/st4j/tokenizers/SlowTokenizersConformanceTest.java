package dev.st4j.tokenizers;

import static dev.st4j.tokenizers.Conformance.assertNone;
import static dev.st4j.tokenizers.Conformance.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Folders with only slow-tokenizer files, written from fast tokenizer.json files: st4j's conversion must tokenize
 * exactly as Hugging Face tokenizers (DJL) does with the original tokenizer.json.
 */
class SlowTokenizersConformanceTest {
    /** Name, original file, and how the slow folder is written. */
    record Case(String name, String file) {
        @Override
        public String toString() {
            return name;
        }

        Path write(Path dir) throws IOException {
            String json = TestData.json(file);
            return switch (name) {
                case "bert vocab.txt (all-MiniLM-L6-v2)", "bert vocab.txt (bge-small-en-v1.5)" -> SlowFolders.bert(json, dir);
                case "roberta vocab.json + merges.txt" -> SlowFolders.byteLevel(json, dir, true, false);
                case "roberta with added_tokens_decoder" -> SlowFolders.byteLevel(json, dir, true, true);
                case "gpt2 vocab.json + merges.txt" -> SlowFolders.byteLevel(json, dir, false, false);
                case "xlm-roberta sentencepiece.bpe.model" -> SlowFolders.sentencePiece(json, dir, true);
                case "t5 spiece.model" -> SlowFolders.sentencePiece(json, dir, false);
                default -> throw new AssertionError(name);
            };
        }
    }

    static List<Case> cases() {
        return List.of(new Case("bert vocab.txt (all-MiniLM-L6-v2)", TestData.EMBEDDED.get(0)),
                new Case("bert vocab.txt (bge-small-en-v1.5)", TestData.EMBEDDED.get(1)),
                new Case("roberta vocab.json + merges.txt", "tokenizers/roberta-base.tokenizer.json"),
                new Case("roberta with added_tokens_decoder", "tokenizers/roberta-base.tokenizer.json"),
                new Case("gpt2 vocab.json + merges.txt", "tokenizers/gpt2.tokenizer.json"),
                new Case("xlm-roberta sentencepiece.bpe.model",
                        "tokenizers/paraphrase-multilingual-mpnet-base-v2.tokenizer.json.gz"),
                new Case("t5 spiece.model", "tokenizers/t5-small.tokenizer.json"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tortureSetCorpusSampleAndPairsMatchDjlOnTheOriginalFile(Case c, @TempDir Path dir) throws IOException {
        Path folder = c.write(dir);
        Tokenizer mine = Tokenizer.fromFolder(folder);
        String json = TestData.json(c.file());
        List<String> texts = new ArrayList<>(TestData.torture());
        texts.addAll(TestData.corpus().subList(0, 300));
        List<String> failures = new ArrayList<>(compare(json, mine, texts, 0, "longest_first", false));
        failures.addAll(compare(json, mine, TestData.torture(), 0, "longest_first", true));
        failures.addAll(compare(json, mine, TestData.corpus().subList(0, 200), 12, "longest_first", true));
        assertNone(failures);
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("cases")
    void everyCorpusLineMatchesDjlOnTheOriginalFile(Case c, @TempDir Path dir) throws IOException {
        Tokenizer mine = Tokenizer.fromFolder(c.write(dir));
        assertNone(compare(TestData.json(c.file()), mine, TestData.corpus(), 0, "longest_first", false));
    }
}
