package dev.st4j.internal.modelfolder;

import dev.st4j.ModelNotFoundException;
import java.util.Locale;
import java.util.Set;

/** How sentence-transformers turns a short model name into a hub repository id. */
public final class ModelNames {
    /**
     * Bare transformer ids that predate organisations on the hub; sentence-transformers leaves them unprefixed
     * (the list is the reference implementation's {@code ORIGINAL_TRANSFORMER_MODELS}).
     */
    private static final Set<String> ORIGINAL_TRANSFORMER_MODELS = Set.of(
            "albert-base-v1", "albert-base-v2", "albert-large-v1", "albert-large-v2", "albert-xlarge-v1",
            "albert-xlarge-v2", "albert-xxlarge-v1", "albert-xxlarge-v2", "bert-base-cased-finetuned-mrpc",
            "bert-base-cased", "bert-base-chinese", "bert-base-german-cased", "bert-base-german-dbmdz-cased",
            "bert-base-german-dbmdz-uncased", "bert-base-multilingual-cased", "bert-base-multilingual-uncased",
            "bert-base-uncased", "bert-large-cased-whole-word-masking-finetuned-squad",
            "bert-large-cased-whole-word-masking", "bert-large-cased",
            "bert-large-uncased-whole-word-masking-finetuned-squad", "bert-large-uncased-whole-word-masking",
            "bert-large-uncased", "camembert-base", "ctrl", "distilbert-base-cased-distilled-squad",
            "distilbert-base-cased", "distilbert-base-german-cased", "distilbert-base-multilingual-cased",
            "distilbert-base-uncased-distilled-squad", "distilbert-base-uncased-finetuned-sst-2-english",
            "distilbert-base-uncased", "distilgpt2", "distilroberta-base", "gpt2-large", "gpt2-medium", "gpt2-xl",
            "gpt2", "openai-gpt", "roberta-base-openai-detector", "roberta-base", "roberta-large-mnli",
            "roberta-large-openai-detector", "roberta-large", "t5-11b", "t5-3b", "t5-base", "t5-large", "t5-small",
            "transfo-xl-wt103", "xlm-clm-ende-1024", "xlm-clm-enfr-1024", "xlm-mlm-100-1280", "xlm-mlm-17-1280",
            "xlm-mlm-en-2048", "xlm-mlm-ende-1024", "xlm-mlm-enfr-1024", "xlm-mlm-enro-1024",
            "xlm-mlm-tlm-xnli15-1024", "xlm-mlm-xnli15-1024", "xlm-roberta-base",
            "xlm-roberta-large-finetuned-conll02-dutch", "xlm-roberta-large-finetuned-conll02-spanish",
            "xlm-roberta-large-finetuned-conll03-english", "xlm-roberta-large-finetuned-conll03-german",
            "xlm-roberta-large", "xlnet-base-cased", "xlnet-large-cased");

    private ModelNames() {}

    /**
     * The hub repository id for a name that is not a local folder: {@code all-MiniLM-L6-v2} becomes
     * {@code sentence-transformers/all-MiniLM-L6-v2}; {@code bert-base-uncased} and {@code org/name} stay as they
     * are; a name with more than one {@code /} cannot be a repository and is reported as a missing path.
     */
    public static String toRepoId(String name) {
        if (name.isEmpty()) {
            throw new ModelNotFoundException("the model name is empty");
        }
        if (name.chars().filter(c -> c == '/').count() > 1 || name.contains("\\")) {
            throw new ModelNotFoundException("Path " + name + " not found: it is not a local folder, and a hub id "
                    + "has at most one '/' (organisation/name)");
        }
        if (!name.contains("/") && !ORIGINAL_TRANSFORMER_MODELS.contains(name.toLowerCase(Locale.ROOT))) {
            return "sentence-transformers/" + name;
        }
        return name;
    }
}
