package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.SentenceTransformer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The encode options {@code st4j encode} and {@code st4j similarity} share. */
final class EncodeFlags {
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Texts per batch (default 32).")
    int batchSize;

    @Option(names = "--normalize", description = "L2-normalize the embeddings.")
    boolean normalize;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Text prepended to every input.")
    String prompt;

    @Option(names = "--prompt-name", paramLabel = "NAME", description = "One of the model's prompts, e.g. query.")
    String promptName;

    @Option(names = "--truncate-dim", paramLabel = "N", description = "Keep only the first N dimensions.")
    Integer truncateDim;

    @Option(names = "--task", paramLabel = "TASK", description = "Route a Router model (e.g. query, document).")
    String task;

    @Option(names = "--replace-invalid-utf8",
            description = "Read bytes on standard input that are not UTF-8 as U+FFFD instead of failing.")
    boolean replaceInvalidUtf8;

    @ArgGroup(exclusive = true)
    Role role;

    /** {@code --query} / {@code --document}: Python's encode_query / encode_document. */
    static final class Role {
        @Option(names = "--query", description = "Encode as queries (the model's query prompt and task).")
        boolean query;

        @Option(names = "--document", description = "Encode as documents (the model's document prompt and task).")
        boolean document;
    }

    EncodeOptions.Builder options() {
        return EncodeOptions.builder().batchSize(batchSize).normalizeEmbeddings(normalize).prompt(prompt)
                .promptName(promptName).truncateDim(truncateDim).task(task);
    }

    /** The options for {@code model}: as {@code encodeQuery} / {@code encodeDocument} use them with a role. */
    EncodeOptions resolve(SentenceTransformer model, EncodeOptions options) {
        if (role != null && role.query) {
            return model.queryOptions(options);
        }
        if (role != null && role.document) {
            return model.documentOptions(options);
        }
        return options;
    }
}
