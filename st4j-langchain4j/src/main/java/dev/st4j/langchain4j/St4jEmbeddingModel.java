package dev.st4j.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingParameter;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.langchain4j.model.output.Response;
import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * langchain4j's {@link EmbeddingModel} over any st4j model (hub id, short name, local folder): the same vectors as
 * {@link SentenceTransformer#encode(List, EncodeOptions)}, with the model's own max length (256 tokens for
 * all-MiniLM-L6-v2, not the 128 of its {@code tokenizer.json}).
 *
 * <p>{@code embedAll} encodes the whole list in one st4j call, which sorts the texts by length and runs them in
 * batches of {@link EncodeOptions#batchSize()}. Requests may ask for {@link EmbeddingInputType#QUERY} or
 * {@link EmbeddingInputType#DOCUMENT} (st4j's {@code encodeQuery} / {@code encodeDocument}: the model's query or
 * document prompt and Router route) and for fewer {@code dimensions} (Matryoshka truncation). Thread-safe.
 */
public final class St4jEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private final SentenceTransformer model;
    private final boolean ownsModel;
    private final String modelName;
    private final EncodeOptions options;
    private final EmbeddingInputType defaultInputType;

    private St4jEmbeddingModel(SentenceTransformer model, boolean ownsModel, String modelName, EncodeOptions options,
            EmbeddingInputType defaultInputType) {
        this.model = model;
        this.ownsModel = ownsModel;
        this.modelName = modelName;
        this.options = options;
        this.defaultInputType = defaultInputType;
    }

    /** A model loaded by id or folder with default load and encode options. */
    public static St4jEmbeddingModel of(String nameOrPath) {
        return builder().model(nameOrPath).build();
    }

    /** Wraps a model the caller already loaded; {@link #close()} leaves it open. */
    public static St4jEmbeddingModel of(SentenceTransformer model, String modelName, EncodeOptions options) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        return new St4jEmbeddingModel(model, false, requireName(modelName),
                options == null ? EncodeOptions.defaults() : options, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
        if (textSegments == null) {
            throw new IllegalArgumentException("textSegments must not be null");
        }
        List<String> texts = new ArrayList<>(textSegments.size());
        for (int i = 0; i < textSegments.size(); i++) {
            TextSegment segment = textSegments.get(i);
            if (segment == null) {
                throw new IllegalArgumentException("textSegments[" + i + "] is null");
            }
            texts.add(segment.text());
        }
        return Response.from(encode(texts, defaultInputType, null));
    }

    /** The request API: honours {@code inputType} (query/document) and {@code dimensions} of each call. */
    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        String asked = request.modelName();
        if (asked != null && !asked.equals(modelName)) {
            throw new IllegalArgumentException("this St4jEmbeddingModel runs " + modelName + ", the request asks for "
                    + asked + "; build another St4jEmbeddingModel with model(\"" + asked + "\")");
        }
        List<String> texts = new ArrayList<>(request.inputs().size());
        for (EmbeddingInput input : request.inputs()) {
            texts.add(input.text());
        }
        EmbeddingInputType type = request.inputType() != null ? request.inputType() : defaultInputType;
        return EmbeddingResponse.builder()
                .embeddings(encode(texts, type, request.dimensions()))
                .metadata(EmbeddingResponseMetadata.builder().modelName(modelName).build())
                .build();
    }

    @Override
    public Set<EmbeddingParameter<?>> supportedParameters() {
        return Set.of(EmbeddingRequestParameters.MODEL_NAME, EmbeddingRequestParameters.DIMENSIONS,
                EmbeddingRequestParameters.INPUT_TYPE);
    }

    private List<Embedding> encode(List<String> texts, EmbeddingInputType type, Integer dimensions) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        EncodeOptions o = options;
        if (dimensions != null) {
            if (dimensions <= 0 || dimensions > dimension()) {
                throw new IllegalArgumentException("dimensions must be 1.." + dimension() + " for " + modelName
                        + ", got " + dimensions);
            }
            o = o.toBuilder().truncateDim(dimensions).build();
        }
        FloatMatrix m = type == EmbeddingInputType.QUERY ? model.encodeQuery(texts, o)
                : type == EmbeddingInputType.DOCUMENT ? model.encodeDocument(texts, o)
                : model.encode(texts, o);
        List<Embedding> out = new ArrayList<>(m.rows());
        for (int i = 0; i < m.rows(); i++) {
            out.add(Embedding.from(m.row(i)));
        }
        return out;
    }

    /** The width of the vectors: the model's, or the encode options' {@code truncateDim} when smaller. */
    @Override
    public int dimension() {
        int dim = model.getEmbeddingDimension();
        Integer t = options.truncateDim();
        return t == null ? dim : Math.min(dim, t);
    }

    @Override
    public String modelName() {
        return modelName;
    }

    /** The st4j model underneath (for similarity functions, tokenization, ...). */
    public SentenceTransformer sentenceTransformer() {
        return model;
    }

    /** Closes the model if this object loaded it. */
    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("modelName must not be blank");
        }
        return name;
    }

    /** Builds a {@link St4jEmbeddingModel}; {@link #model(String)} or {@link #modelFolder(Path)} is required. */
    public static final class Builder {
        private String nameOrPath;
        private Path folder;
        private LoadOptions loadOptions = LoadOptions.defaults();
        private EncodeOptions encodeOptions = EncodeOptions.defaults();
        private EmbeddingInputType inputType;

        private Builder() {
        }

        /** A hub id ({@code "sentence-transformers/all-MiniLM-L6-v2"}), short name or local folder path. */
        public Builder model(String nameOrPath) {
            this.nameOrPath = nameOrPath;
            this.folder = null;
            return this;
        }

        /** A local folder in the Hugging Face layout; never looks on the hub. */
        public Builder modelFolder(Path folder) {
            this.folder = folder;
            this.nameOrPath = null;
            return this;
        }

        /** How the model loads: backend, threads, prompts, cache, revision ... */
        public Builder loadOptions(LoadOptions loadOptions) {
            if (loadOptions == null) {
                throw new IllegalArgumentException("loadOptions must not be null");
            }
            this.loadOptions = loadOptions;
            return this;
        }

        /** How texts encode: batch size, prompt, normalization, truncateDim. */
        public Builder encodeOptions(EncodeOptions encodeOptions) {
            if (encodeOptions == null) {
                throw new IllegalArgumentException("encodeOptions must not be null");
            }
            this.encodeOptions = encodeOptions;
            return this;
        }

        /**
         * How {@code embed}/{@code embedAll} and requests without an input type encode: QUERY or DOCUMENT use the
         * model's query or document prompt; null (the default) encodes as {@code encode} does.
         */
        public Builder inputType(EmbeddingInputType inputType) {
            this.inputType = inputType;
            return this;
        }

        public St4jEmbeddingModel build() {
            if (nameOrPath == null && folder == null) {
                throw new IllegalArgumentException("no model: call model(\"all-MiniLM-L6-v2\") or modelFolder(path)");
            }
            SentenceTransformer m = folder != null ? SentenceTransformer.load(folder, loadOptions)
                    : SentenceTransformer.load(nameOrPath, loadOptions);
            String name = folder != null ? String.valueOf(folder.toAbsolutePath().normalize().getFileName())
                    : nameOrPath;
            return new St4jEmbeddingModel(m, true, name, encodeOptions, inputType);
        }
    }
}
