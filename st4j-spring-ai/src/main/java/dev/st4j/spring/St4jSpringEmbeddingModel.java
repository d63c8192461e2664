package dev.st4j.spring;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.SentenceTransformer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

/**
 * Spring AI's {@link EmbeddingModel} over a st4j model: the vectors of {@link SentenceTransformer#encode(List,
 * EncodeOptions)}, in request order, batched and length-sorted by st4j. A request's {@link EmbeddingOptions} may ask
 * for fewer {@code dimensions} (Matryoshka truncation) and must name this model, if it names one. Thread-safe; the
 * Spring context closes it (and the model it loaded) on shutdown.
 */
public final class St4jSpringEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private final SentenceTransformer model;
    private final boolean ownsModel;
    private final String modelName;
    private final EncodeOptions options;

    /**
     * @param model the st4j model
     * @param ownsModel whether {@link #close()} closes it
     * @param modelName the name requests and responses carry (the id or folder it was loaded from)
     * @param options the encode options of every call (prompt, normalization, batch size, truncateDim)
     */
    public St4jSpringEmbeddingModel(SentenceTransformer model, boolean ownsModel, String modelName,
            EncodeOptions options) {
        if (model == null || options == null || modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("model, modelName and options are required");
        }
        this.model = model;
        this.ownsModel = ownsModel;
        this.modelName = modelName;
        this.options = options;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<String> texts = request.getInstructions();
        EncodeOptions o = options;
        EmbeddingOptions asked = request.getOptions();
        if (asked != null) {
            if (asked.getModel() != null && !asked.getModel().equals(modelName)) {
                throw new IllegalArgumentException("this EmbeddingModel runs " + modelName
                        + ", the request's options ask for " + asked.getModel()
                        + "; set st4j.model=" + asked.getModel() + " or leave the request's model unset");
            }
            Integer dims = asked.getDimensions();
            if (dims != null) {
                if (dims <= 0 || dims > dimensions()) {
                    throw new IllegalArgumentException("dimensions must be 1.." + dimensions() + " for " + modelName
                            + ", got " + dims);
                }
                o = o.toBuilder().truncateDim(dims).build();
            }
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " of the request is null");
            }
        }
        List<Embedding> out = new ArrayList<>(texts.size());
        if (!texts.isEmpty()) {
            FloatMatrix m = model.encode(texts, o);
            for (int i = 0; i < m.rows(); i++) {
                out.add(new Embedding(m.row(i), i));
            }
        }
        return new EmbeddingResponse(out, new EmbeddingResponseMetadata(modelName, null));
    }

    /** The document's text (its metadata is not embedded, as in Spring AI's default). */
    @Override
    public float[] embed(Document document) {
        String text = document == null ? null : document.getText();
        if (text == null) {
            throw new IllegalArgumentException("the document has no text; st4j embeds text only");
        }
        return embed(text);
    }

    /** The width of the vectors (the options' truncateDim when smaller than the model's), without a probe call. */
    @Override
    public int dimensions() {
        int dim = model.getEmbeddingDimension();
        Integer t = options.truncateDim();
        return t == null ? dim : Math.min(dim, t);
    }

    public String modelName() {
        return modelName;
    }

    /** The st4j model underneath (query/document encoding, similarity functions, tokenization). */
    public SentenceTransformer sentenceTransformer() {
        return model;
    }

    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }
}
