package dev.st4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The {@code README.md} a save writes, as sentence-transformers does: the card the model was loaded with when it
 * has one (and was not produced by a trainer), else one generated from the model's settings.
 */
final class ModelCard {
    /** The placeholder Python's card template uses where the model id goes. */
    static final String MODEL_ID_PLACEHOLDER = "sentence_transformers_model_id";

    private ModelCard() {}

    /** The card a model was loaded with, or none. */
    record Source(String text) {
        static final Source NONE = new Source(null);

        static Source read(Path folder) {
            Path readme = folder.resolve("README.md");
            if (!Files.isRegularFile(readme)) {
                return NONE;
            }
            try {
                return new Source(Files.readString(readme));
            } catch (IOException e) {
                return NONE; // best effort, as in Python: a card that cannot be read is regenerated
            }
        }

        /** Python reuses a loaded card unless a trainer wrote it. */
        boolean reusable() {
            return text != null && !text.contains("generated_from_trainer");
        }
    }

    /** The card's text for a model with these settings. */
    static String render(Source source, String modelName, OptionalInt maxSeqLength, int dimension,
            SimilarityFunction similarity, List<String> modules) {
        String id = modelName != null ? modelName : MODEL_ID_PLACEHOLDER;
        if (source != null && source.reusable()) {
            return modelName == null ? source.text()
                    : source.text().replace("SentenceTransformer(\"" + MODEL_ID_PLACEHOLDER + "\"",
                            "SentenceTransformer(\"" + modelName + "\"");
        }
        StringBuilder b = new StringBuilder();
        b.append("---\n");
        b.append("tags:\n- sentence-transformers\n- sentence-similarity\n- feature-extraction\n");
        b.append("pipeline_tag: sentence-similarity\n");
        b.append("library_name: sentence-transformers\n");
        b.append("---\n\n");
        b.append("# SentenceTransformer\n\n");
        b.append("This is a [sentence-transformers](https://www.SBERT.net) model. It maps sentences and paragraphs "
                + "to a ").append(dimension).append("-dimensional dense vector space.\n\n");
        b.append("## Model Details\n\n");
        b.append("- **Model Type:** Sentence Transformer\n");
        b.append("- **Maximum Sequence Length:** ")
                .append(maxSeqLength.isPresent() ? maxSeqLength.getAsInt() + " tokens" : "unlimited").append('\n');
        b.append("- **Output Dimensionality:** ").append(dimension).append(" dimensions\n");
        b.append("- **Similarity Function:** ").append(similarityTitle(similarity)).append('\n');
        b.append("\n### Full Model Architecture\n\n```\nSentenceTransformer(\n");
        for (int i = 0; i < modules.size(); i++) {
            b.append("  (").append(i).append("): ").append(modules.get(i)).append('\n');
        }
        b.append(")\n```\n\n");
        b.append("## Usage\n\n```python\nfrom sentence_transformers import SentenceTransformer\n\n");
        b.append("model = SentenceTransformer(\"").append(id).append("\")\n");
        b.append("embeddings = model.encode([\"The weather is lovely today.\", \"It's so sunny outside!\"])\n");
        b.append("similarities = model.similarity(embeddings, embeddings)\n```\n\n");
        b.append("Saved by st4j (Sentence Transformers for Java).\n");
        return b.toString();
    }

    /** The names Python's card uses: "Cosine Similarity", "Dot Product", ... */
    static String similarityTitle(SimilarityFunction f) {
        return switch (f) {
            case COSINE -> "Cosine Similarity";
            case DOT -> "Dot Product";
            case EUCLIDEAN -> "Euclidean Distance";
            case MANHATTAN -> "Manhattan Distance";
        };
    }

    static void write(Path file, String text) {
        try {
            dev.st4j.internal.modelfolder.ModelFolder.writeAtomically(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
