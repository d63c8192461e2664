package dev.st4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.SentenceTransformer;
import dev.st4j.internal.safetensors.DType;
import dev.st4j.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A StaticEmbedding model on the BERT uncased vocabulary (all-MiniLM-L6-v2's tokenizer) whose table row {@code i} is
 * {@code [i, 2i, 1]}: a text's embedding is then {@code [m, 2m, 1]} with {@code m} the mean of its WordPiece ids,
 * which the test reads from the vocabulary in tokenizer.json. Fast enough for tens of thousands of texts.
 */
final class StaticModels {
    static final int BERT_VOCAB = 30522;

    private StaticModels() {}

    /** Writes the model into {@code dir} with the first {@code rows} table rows (fewer than the vocabulary makes ids past it fail). */
    static Path create(Path dir, int rows) throws IOException {
        try (SentenceTransformer minilm = SentenceTransformer.load("all-MiniLM-L6-v2")) {
            Files.copy(minilm.folder().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        }
        float[] table = new float[rows * 3];
        for (int i = 0; i < rows; i++) {
            table[3 * i] = i;
            table[3 * i + 1] = 2 * i;
            table[3 * i + 2] = 1;
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"),
                Map.of("embedding.weight", new SafetensorsWriter.Entry(new long[] {rows, 3}, table)), DType.F32);
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.StaticEmbedding"}]""");
        return dir;
    }

    /** The id of a whole word in the model's vocabulary, read from tokenizer.json. */
    static int id(Path dir, String word) throws IOException {
        JsonNode vocab = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile()).path("model").path("vocab");
        if (!vocab.has(word)) {
            throw new IllegalArgumentException(word + " is not one token of the vocabulary");
        }
        return vocab.get(word).asInt();
    }
}
