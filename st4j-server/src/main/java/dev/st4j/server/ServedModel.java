package dev.st4j.server;

import dev.st4j.SentenceTransformer;
import dev.st4j.Tokenizer;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One model the server answers for: its name (the {@code model} field), the loaded model, its queue, and what the
 * routes check requests against.
 */
final class ServedModel {
    final String name;
    final SentenceTransformer model;
    final DynamicBatcher batcher;
    final int dimension;
    final OptionalInt maxSeqLength;
    final Tokenizer tokenizer;
    /** The token strings the tokenizer adds to every text (those of an empty text: {@code [CLS]}, {@code [SEP]}). */
    final Set<String> specialTokens;

    ServedModel(String name, SentenceTransformer model, DynamicBatcher batcher) {
        this.name = name;
        this.model = model;
        this.batcher = batcher;
        this.dimension = model.getEmbeddingDimension();
        this.maxSeqLength = model.getMaxSeqLength();
        this.specialTokens = Set.copyOf(model.tokens(""));
        this.tokenizer = model.getTokenizer();
    }

    /** The pooling mode TEI's {@code /info} reports, read from the model's module list ("mean" when none says). */
    String pooling() {
        List<String> modules = model.describeModules();
        for (String m : modules) {
            String lower = m.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("pooling")) {
                for (String mode : List.of("cls", "lasttoken", "mean_sqrt_len", "weightedmean", "max", "mean")) {
                    if (lower.contains(mode)) {
                        return mode.equals("lasttoken") ? "last_token" : mode;
                    }
                }
            }
        }
        return "mean";
    }
}
