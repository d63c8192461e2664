package dev.st4j;

import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.TokenBatch;
import dev.st4j.encoding.BatchPipeline;
import dev.st4j.encoding.InferenceWorkers;
import dev.st4j.encoding.TerminalProgressBar;
import dev.st4j.encoding.TokenBudgetBatcher;
import dev.st4j.model.ModelFolder;
import dev.st4j.model.SentenceTransformerConfig;
import dev.st4j.pipeline.Features;
import dev.st4j.pipeline.Module;
import dev.st4j.pipeline.Normalize;
import dev.st4j.pipeline.Pipeline;
import dev.st4j.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A sentence-transformers model: load it by name or folder, encode texts into embeddings, compare them.
 *
 * <pre>{@code
 * try (SentenceTransformer model = SentenceTransformer.load("all-MiniLM-L6-v2")) {
 *     FloatMatrix embeddings = model.encode(List.of("The weather is lovely today.", "It's so sunny outside!"));
 *     FloatMatrix similarities = model.similarity(embeddings, embeddings);
 * }
 * }</pre>
 *
 * <p>Instances are safe to use from several threads at once; {@link #setMaxSeqLength} and the other setters
 * affect calls that start after them.
 */
public final class SentenceTransformer implements AutoCloseable {
    private final Path folder;
    private final Pipeline pipeline;
    private final Map<String, String> prompts;
    private final String defaultPromptName;
    private volatile SimilarityFunction similarityFunction;
    private volatile Integer truncateDim;
    /** Threads per forward pass the backend was loaded with; sizes the default pool. */
    private final int intraOpThreads;

    private SentenceTransformer(Path folder, Pipeline pipeline, Map<String, String> prompts,
            String defaultPromptName, SimilarityFunction similarityFunction, Integer truncateDim,
            int intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
        this.folder = folder;
        this.pipeline = pipeline;
        this.prompts = prompts;
        this.defaultPromptName = defaultPromptName;
        this.similarityFunction = similarityFunction;
        this.truncateDim = truncateDim;
    }

    /** Loads a model by hub id ({@code "sentence-transformers/all-MiniLM-L6-v2"}), short name or local folder. */
    public static SentenceTransformer load(String nameOrPath) {
        return load(nameOrPath, LoadOptions.defaults());
    }

    /**
     * Loads a model by hub id, short name or local folder, with options. An existing folder wins; else an embedded
     * model answers its hub id (unless a revision is asked for); else the files are fetched from the Hugging Face
     * hub into the cache Python's huggingface_hub shares (see {@link dev.st4j.hub.HubDownloader}).
     */
    public static SentenceTransformer load(String nameOrPath, LoadOptions options) {
        if (nameOrPath == null) {
            throw new IllegalArgumentException("nameOrPath must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        return loadFolder(ModelLocator.locate(nameOrPath, options), options);
    }

    /** Loads the model in a local folder laid out like a Hugging Face repository. */
    public static SentenceTransformer load(Path folder) {
        return load(folder, LoadOptions.defaults());
    }

    /** Loads the model in a local folder, with options. */
    public static SentenceTransformer load(Path folder, LoadOptions options) {
        if (folder == null) {
            throw new IllegalArgumentException("folder must not be null");
        }
        return load(folder.toString(), options);
    }

    private static SentenceTransformer loadFolder(Path dir, LoadOptions options) {
        ModelFolder folder = new ModelFolder(dir);
        SentenceTransformerConfig config = SentenceTransformerConfig.read(
                folder.file(SentenceTransformerConfig.FILE_NAME));
        boolean useSaved = "SentenceTransformer".equals(config.modelType());

        // Prompts: "query" and "document" always exist; the caller's entries win, saved ones fill the gaps.
        Map<String, String> prompts = new LinkedHashMap<>();
        prompts.put("query", null);
        prompts.put("document", null);
        prompts.putAll(options.prompts());
        if (useSaved) {
            config.prompts().forEach((k, v) -> {
                if (prompts.get(k) == null) {
                    prompts.put(k, v);
                }
            });
        }
        prompts.replaceAll((k, v) -> v == null ? "" : v);
        String defaultPrompt = options.defaultPromptName() != null ? options.defaultPromptName()
                : useSaved ? config.defaultPromptName() : null;
        if (defaultPrompt != null && !prompts.containsKey(defaultPrompt)) {
            throw new IllegalArgumentException("Default prompt name '" + defaultPrompt
                    + "' is not found in the configured prompts dictionary with keys " + prompts.keySet());
        }
        SimilarityFunction similarity = options.similarityFunction();
        if (similarity == null && useSaved && config.similarityFnName() != null
                && SimilarityFunction.possibleValues().contains(config.similarityFnName())) {
            similarity = SimilarityFunction.fromName(config.similarityFnName());
        }
        Integer truncate = options.truncateDim() != null ? options.truncateDim()
                : useSaved ? config.truncateDim() : null;

        BackendOptions backendOptions = new BackendOptions(options.threads(), options.onnxFileName());
        Pipeline pipeline = Pipeline.load(folder, config, options.backend(), backendOptions);
        return new SentenceTransformer(dir.toAbsolutePath(), pipeline, Collections.unmodifiableMap(prompts),
                defaultPrompt, similarity, truncate, backendOptions.effectiveThreads());
    }

    // ---------------------------------------------------------------- encode

    /** Encodes one text into a vector. */
    public float[] encode(String text) {
        return encode(text, EncodeOptions.defaults());
    }

    /** Encodes one text into a vector, with options. */
    public float[] encode(String text, EncodeOptions options) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return encode(List.of(text), options).row(0);
    }

    /** Encodes texts into a matrix with one row per text, in the given order. */
    public FloatMatrix encode(List<String> texts) {
        return encode(texts, EncodeOptions.defaults());
    }

    /**
     * Encodes texts into a matrix with one row per text, in the given order, with options. With
     * {@link EncodeOptions#pool()} or {@link EncodeOptions#devices()} the work is spread over a pool's workers;
     * the rows are the same either way.
     */
    public FloatMatrix encode(List<String> texts, EncodeOptions options) {
        checkTexts(texts, options);
        List<FloatMatrix> parts = new ArrayList<>();
        encodeRows(texts.iterator(), texts.size(), options, (first, rows) -> parts.add(rows));
        return parts.isEmpty() ? FloatMatrix.wrap(0, outputDimension(options), new float[0])
                : FloatMatrix.concat(parts);
    }

    /**
     * Streams texts through the model: rows reach {@code sink} in input order, a chunk at a time, as they complete.
     * Memory stays bounded by a window of batches however many texts the iterator yields; tokenization of the next
     * batches overlaps inference of the current ones. Returns the number of rows written.
     */
    public long encode(Iterator<String> texts, EncodeOptions options, EmbeddingSink sink) {
        if (texts == null || options == null || sink == null) {
            throw new IllegalArgumentException("texts, options and sink must not be null");
        }
        return encodeRows(texts, -1, options, sink);
    }

    /** Streams texts through the model (see {@link #encode(Iterator, EncodeOptions, EmbeddingSink)}); closes the stream. */
    public long encode(Stream<String> texts, EncodeOptions options, EmbeddingSink sink) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        try (texts) {
            return encode(texts.iterator(), options, sink);
        }
    }

    /**
     * Starts a pool of encode workers, one per device ({@code "cpu"}, {@code "cuda"}, {@code "cuda:N"}), as
     * Python's {@code start_multi_process_pool}. The workers are threads sharing this model's weights.
     */
    public EncodePool startMultiProcessPool(List<String> devices) {
        return new EncodePool(devices);
    }

    /**
     * Starts a CPU pool that fills the machine: as many workers as the cores divided by the model's threads per
     * forward pass (a model loaded with {@code threads(1)} gets one worker per core).
     */
    public EncodePool startMultiProcessPool() {
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, intraOpThreads));
        return new EncodePool(java.util.Collections.nCopies(workers, "cpu"));
    }

    /** Stops a pool's workers (Python's {@code stop_multi_process_pool}); the same as {@code pool.close()}. */
    public void stopMultiProcessPool(EncodePool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        pool.close();
    }

    /** Encodes a query: applies the model's {@code "query"} prompt unless the options name a prompt. */
    public float[] encodeQuery(String text) {
        return encodeQuery(text, EncodeOptions.defaults());
    }

    public float[] encodeQuery(String text, EncodeOptions options) {
        return encode(text, withTaskPrompt(options, "query"));
    }

    public FloatMatrix encodeQuery(List<String> texts) {
        return encodeQuery(texts, EncodeOptions.defaults());
    }

    public FloatMatrix encodeQuery(List<String> texts, EncodeOptions options) {
        return encode(texts, withTaskPrompt(options, "query"));
    }

    /**
     * Encodes a document: applies the first of the model's {@code "document"}, {@code "passage"}, {@code "corpus"}
     * prompts unless the options name a prompt.
     */
    public float[] encodeDocument(String text) {
        return encodeDocument(text, EncodeOptions.defaults());
    }

    public float[] encodeDocument(String text, EncodeOptions options) {
        return encode(text, withTaskPrompt(options, "document", "passage", "corpus"));
    }

    public FloatMatrix encodeDocument(List<String> texts) {
        return encodeDocument(texts, EncodeOptions.defaults());
    }

    public FloatMatrix encodeDocument(List<String> texts, EncodeOptions options) {
        return encode(texts, withTaskPrompt(options, "document", "passage", "corpus"));
    }

    /**
     * Token embeddings (Python's {@code output_value="token_embeddings"}): one {@code [tokens, hidden]} matrix per
     * text, special tokens included, padding removed. Truncation and normalization options do not apply.
     */
    public List<FloatMatrix> encodeTokens(List<String> texts, EncodeOptions options) {
        checkTexts(texts, options);
        String prompt = resolvePrompt(options);
        TextTokenizer tokenizer = pipeline.input().tokenizer();
        List<TextTokenizer.Encoded> encoded = tokenizer.encode(withPrompt(texts, prompt));
        Integer[] order = lengthOrder(encoded);
        FloatMatrix[] out = new FloatMatrix[texts.size()];
        for (int start = 0; start < texts.size(); start += options.batchSize()) {
            int end = Math.min(texts.size(), start + options.batchSize());
            List<TextTokenizer.Encoded> rows = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                rows.add(encoded.get(order[i]));
            }
            TokenBatch batch = tokenizer.pad(rows);
            Features f = pipeline.forwardTokens(batch, 0);
            int h = f.tokenDim();
            for (int i = start; i < end; i++) {
                int r = i - start;
                int len = batch.lengths()[r];
                int from = r * batch.seqLength() * h;
                out[order[i]] = FloatMatrix.wrap(len, h,
                        Arrays.copyOfRange(f.tokenEmbeddings(), from, from + len * h));
            }
        }
        return List.of(out);
    }

    // ---------------------------------------------------------------- similarity

    /** Scores every row of {@code a} against every row of {@code b} with the model's similarity function. */
    public FloatMatrix similarity(FloatMatrix a, FloatMatrix b) {
        return getSimilarityFunction().similarity(a, b);
    }

    /** Scores one vector against every row of {@code b}: a {@code 1 x b.rows()} matrix. */
    public FloatMatrix similarity(float[] a, FloatMatrix b) {
        return similarity(FloatMatrix.ofRow(a), b);
    }

    /** Scores row {@code i} of {@code a} with row {@code i} of {@code b}. */
    public float[] similarityPairwise(FloatMatrix a, FloatMatrix b) {
        return getSimilarityFunction().pairwise(a, b);
    }

    /** The model's similarity function; cosine when the model names none (set on first read, as in Python). */
    public SimilarityFunction getSimilarityFunction() {
        SimilarityFunction f = similarityFunction;
        if (f == null) {
            f = SimilarityFunction.COSINE;
            similarityFunction = f;
        }
        return f;
    }

    public void setSimilarityFunction(SimilarityFunction function) {
        if (function == null) {
            throw new IllegalArgumentException("function must not be null");
        }
        this.similarityFunction = function;
    }

    // ---------------------------------------------------------------- properties

    /** The embedding width {@code encode} returns (after the model's {@code truncateDim}, if set). */
    public int getSentenceEmbeddingDimension() {
        Integer t = truncateDim;
        int dim = pipeline.embeddingDimension();
        return t == null ? dim : Math.min(dim, t);
    }

    /** Longest input in tokens, special tokens included; longer inputs are cut. */
    public int getMaxSeqLength() {
        return pipeline.input().maxSeqLength();
    }

    public void setMaxSeqLength(int maxSeqLength) {
        pipeline.input().setMaxSeqLength(maxSeqLength);
    }

    public Integer getTruncateDim() {
        return truncateDim;
    }

    /** Sets the model's default truncation (null for none). */
    public void setTruncateDim(Integer truncateDim) {
        if (truncateDim != null && truncateDim <= 0) {
            throw new IllegalArgumentException("truncateDim must be positive, got " + truncateDim);
        }
        this.truncateDim = truncateDim;
    }

    /** The prompts by name; always has {@code "query"} and {@code "document"} (empty when the model has none). */
    public Map<String, String> getPrompts() {
        return prompts;
    }

    public String getDefaultPromptName() {
        return defaultPromptName;
    }

    /** Tokenizes texts the way {@code encode} does (truncated, padded to the longest): ids, mask, type ids. */
    public TokenBatch tokenize(List<String> texts) {
        checkTexts(texts, EncodeOptions.defaults());
        TextTokenizer tokenizer = pipeline.input().tokenizer();
        return tokenizer.pad(tokenizer.encode(texts));
    }

    /** The token strings of one text, special tokens included. */
    public List<String> tokens(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return List.of(pipeline.input().tokenizer().encode(text).tokens());
    }

    /**
     * Saves the model in the Python layout (loadable by {@code SentenceTransformer(path)} in any sentence-transformers
     * version, and by st4j): the source files, plus the current prompts, similarity function, truncation and max
     * sequence length. {@code folder} must not exist or be empty; it is written whole or not at all.
     */
    public void save(Path folder) {
        if (folder == null) {
            throw new IllegalArgumentException("folder must not be null");
        }
        ModelWriter.save(this.folder, pipeline, prompts, defaultPromptName, getSimilarityFunction(), truncateDim,
                folder);
    }

    /** The folder the model was loaded from. */
    public Path folder() {
        return folder;
    }

    /** One line per module, e.g. {@code Pooling(mean)}. */
    public List<String> describeModules() {
        return pipeline.modules().stream().map(Module::describe).toList();
    }

    /** The backend running the transformer. */
    public String describeBackend() {
        return pipeline.input().describeBackend();
    }

    @Override
    public void close() {
        pipeline.close();
    }

    // ---------------------------------------------------------------- helpers

    private int outputDimension(EncodeOptions options) {
        return Math.min(pipeline.embeddingDimension(), effectiveTruncateDim(options));
    }

    /** Every encode path: the batch pipeline on the caller's pool, a temporary pool, one worker or inline. */
    private long encodeRows(Iterator<String> texts, long size, EncodeOptions options, EmbeddingSink sink) {
        String prompt = resolvePrompt(options);
        int dim = outputDimension(options);
        TextTokenizer tokenizer = pipeline.input().tokenizer();
        int promptLength = prompt.isEmpty() ? 0 : tokenizer.promptLength(prompt);
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(options.batchSize(),
                options.tokenBudget() == null ? TokenBudgetBatcher.UNLIMITED : options.tokenBudget());
        if (options.tokenBudget() != null) {
            batcher.checkFits(pipeline.input().maxSeqLength());
        }
        EncodePool pool = options.pool();
        boolean temporaryPool = pool == null && options.devices() != null;
        if (temporaryPool) {
            pool = startMultiProcessPool(options.devices());
        }
        InferenceWorkers workers = null;
        boolean ownWorkers = false;
        try {
            int chunk;
            if (pool != null) {
                workers = pool.workers();
                chunk = options.chunkSize() != null ? options.chunkSize()
                        : BatchPipeline.defaultChunkSize(size, workers.size());
            } else {
                chunk = options.chunkSize() != null ? options.chunkSize()
                        : size < 0 ? BatchPipeline.MAX_CHUNK : (int) Math.max(1, Math.min(size, BatchPipeline.MAX_CHUNK));
                // One batch gains nothing from overlap: run it on this thread.
                if (size < 0 || size > options.batchSize()) {
                    workers = new InferenceWorkers(1, "st4j-encode-worker");
                    ownWorkers = true;
                }
            }
            BatchPipeline.Settings settings = new BatchPipeline.Settings(pipeline, prompt, promptLength, dim,
                    options.normalizeEmbeddings(), batcher, chunk, progress(options, size));
            return BatchPipeline.run(texts, size, settings, workers,
                    (first, count, rows) -> sink.accept(first, FloatMatrix.wrap(count, dim, rows)));
        } finally {
            if (ownWorkers) {
                workers.close();
            }
            if (temporaryPool) {
                pool.close();
            }
        }
    }

    /** The caller's listener and the terminal bar, whichever are asked for. */
    private static ProgressListener progress(EncodeOptions options, long size) {
        ProgressListener bar = Boolean.TRUE.equals(options.showProgressBar())
                ? TerminalProgressBar.onStderrIfTerminal(size) : null;
        ProgressListener user = options.progressListener();
        if (bar == null || user == null) {
            return bar != null ? bar : user;
        }
        return new ProgressListener() {
            @Override
            public void progress(long texts, long tokens, long total) {
                bar.progress(texts, tokens, total);
                user.progress(texts, tokens, total);
            }

            @Override
            public void done() {
                bar.done();
                user.done();
            }
        };
    }

    private static void checkTexts(List<String> texts, EncodeOptions options) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("texts[" + i + "] is null; every text must be a string");
            }
        }
    }

    /** {@code prompt} wins over {@code promptName}, which wins over the default prompt; empty means none. */
    private String resolvePrompt(EncodeOptions options) {
        if (options.prompt() != null) {
            return options.prompt();
        }
        if (options.promptName() != null) {
            String p = prompts.get(options.promptName());
            if (p == null) {
                throw new IllegalArgumentException("Prompt name '" + options.promptName()
                        + "' not found in the configured prompts dictionary with keys " + prompts.keySet());
            }
            return p;
        }
        if (defaultPromptName != null) {
            return prompts.getOrDefault(defaultPromptName, "");
        }
        return "";
    }

    private EncodeOptions withTaskPrompt(EncodeOptions options, String... names) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (options.prompt() != null || options.promptName() != null) {
            return options;
        }
        for (String name : names) {
            if (prompts.containsKey(name)) {
                return options.toBuilder().promptName(name).build();
            }
        }
        return options;
    }

    private int effectiveTruncateDim(EncodeOptions options) {
        Integer t = options.truncateDim() != null ? options.truncateDim() : truncateDim;
        return t == null ? Integer.MAX_VALUE : t;
    }

    private static List<String> withPrompt(List<String> texts, String prompt) {
        if (prompt.isEmpty()) {
            return texts;
        }
        List<String> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(prompt + t);
        }
        return out;
    }

    /**
     * Indices sorted by token count, longest first (stable). Batching by tokens, not characters as Python does,
     * puts texts of equal cost together and wastes less padding; results do not depend on it.
     */
    private static Integer[] lengthOrder(List<TextTokenizer.Encoded> encoded) {
        Integer[] order = new Integer[encoded.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> encoded.get(i).length()).reversed());
        return order;
    }
}
