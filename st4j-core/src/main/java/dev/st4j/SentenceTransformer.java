package dev.st4j;

import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.Device;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.encoding.BatchPipeline;
import dev.st4j.internal.encoding.InferenceWorkers;
import dev.st4j.internal.encoding.TerminalProgressBar;
import dev.st4j.internal.encoding.TokenBudgetBatcher;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.modelfolder.ModelNames;
import dev.st4j.internal.modelfolder.SentenceTransformerConfig;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.InputModule;
import dev.st4j.internal.pipeline.Pipeline;
import dev.st4j.internal.tokenizer.TextTokenizer;
import dev.st4j.pipeline.Module;
import dev.st4j.pipeline.Normalize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
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
 * affect calls that start after them. Closing a model while another thread encodes makes that call fail with an
 * {@link IllegalStateException}; native memory is freed only once running calls have left.
 */
public final class SentenceTransformer implements AutoCloseable {
    /** Python's INSTRUCTOR checkpoints, whose pooling must ignore the instruction (SPEC 1.6). */
    private static final Set<String> INSTRUCTOR = Set.of("hkunlp/instructor-base", "hkunlp/instructor-large",
            "hkunlp/instructor-xl");

    private final Path folder;
    private final Pipeline pipeline;
    private final ModelCard.Source card;
    private volatile Map<String, String> prompts;
    private volatile String defaultPromptName;
    private volatile SimilarityFunction similarityFunction;
    private volatile Integer truncateDim;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** Threads per forward pass the backend was loaded with (0: all cores); sizes the default pool. */
    private volatile int intraOpThreads;

    private SentenceTransformer(Path folder, Pipeline pipeline, Map<String, String> prompts,
            String defaultPromptName, SimilarityFunction similarityFunction, Integer truncateDim,
            ModelCard.Source card) {
        this.folder = folder;
        this.pipeline = pipeline;
        this.prompts = prompts;
        this.defaultPromptName = defaultPromptName;
        this.similarityFunction = similarityFunction;
        this.truncateDim = truncateDim;
        this.card = card;
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
        SentenceTransformer model = loadFolder(ModelLocator.locate(nameOrPath, options), options);
        if (INSTRUCTOR.contains(nameOrPath)) {
            model.setPoolingIncludePrompt(false);
        }
        return model;
    }

    /** Loads the model in a local folder laid out like a Hugging Face repository. */
    public static SentenceTransformer load(Path folder) {
        return load(folder, LoadOptions.defaults());
    }

    /** Loads the model in a local folder, with options; never looks on the hub, whatever the folder's name. */
    public static SentenceTransformer load(Path folder, LoadOptions options) {
        if (folder == null) {
            throw new IllegalArgumentException("folder must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (!Files.isDirectory(folder)) {
            throw new ModelNotFoundException("model folder " + folder.toAbsolutePath() + (Files.exists(folder)
                    ? " is a file; pass the folder that holds it" : " does not exist")
                    + " (load(Path) reads local folders only; pass a String to load a hub id)");
        }
        return loadFolder(folder, options);
    }

    /**
     * A model built from modules in code, as Python's {@code SentenceTransformer(modules=[...])}: e.g. a
     * {@code Transformer.load(folder, null, options)}, a {@code Pooling}, a {@code Dense.of(...)}, a
     * {@code Normalize}. No prompts but the empty {@code query} and {@code document}; cosine similarity.
     */
    public static SentenceTransformer of(Module... modules) {
        return of(Arrays.asList(modules));
    }

    /** As {@link #of(Module...)}. */
    public static SentenceTransformer of(List<Module> modules) {
        if (modules == null || modules.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("modules must be a list of non-null modules");
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        prompts.put("query", "");
        prompts.put("document", "");
        Pipeline pipeline = Pipeline.of(modules);
        return new SentenceTransformer(null, pipeline, Collections.unmodifiableMap(prompts), null, null, null,
                ModelCard.Source.NONE);
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
        checkDefaultPrompt(defaultPrompt, prompts);
        SimilarityFunction similarity = options.similarityFunction();
        if (similarity == null && useSaved && config.similarityFnName() != null) {
            similarity = SimilarityFunction.fromName(config.similarityFnName());
        }
        Integer truncate = options.truncateDim() != null ? options.truncateDim()
                : useSaved ? config.truncateDim() : null;

        Device device = options.parsedDevice();
        BackendOptions backendOptions = new BackendOptions(options.threads(), options.onnxFileName(),
                options.tokenizer(), options.replaceUnpairedSurrogates(), device);
        Pipeline pipeline = Pipeline.load(folder, config, options.backend(), backendOptions);
        try {
            pipeline.inputs().forEach(input -> input.onDevice(device)); // each is there, or says why it cannot be
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        SentenceTransformer model = new SentenceTransformer(dir.toAbsolutePath(), pipeline,
                Collections.unmodifiableMap(prompts), defaultPrompt, similarity, truncate,
                ModelCard.Source.read(folder.root()));
        model.intraOpThreads = backendOptions.effectiveThreads();
        return model;
    }

    private static void checkDefaultPrompt(String name, Map<String, String> prompts) {
        if (name != null && !prompts.containsKey(name)) {
            throw new IllegalArgumentException("Default prompt name '" + name
                    + "' is not found in the configured prompts dictionary with keys " + prompts.keySet());
        }
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
     * Encodes texts into a matrix with one row per text, in the given order, with options. Quantized precisions
     * give bytes: use {@link #encodeQuantized}; other outputs: {@link #encodeTokens}, {@link #encodeAll}.
     */
    public FloatMatrix encode(List<String> texts, EncodeOptions options) {
        checkTexts(texts, options);
        EncodeRequests.requireFloatSentenceEmbeddings(options);
        return guarded(() -> encodeSentences(texts, null, options));
    }

    /**
     * Encodes sentence pairs, each as one input of segments A and B (Python's tuple inputs), where the tokenizer
     * supports pairs; a prompt goes before each pair's first text.
     */
    public FloatMatrix encodePairs(List<TextPair> pairs, EncodeOptions options) {
        if (pairs == null || pairs.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("pairs must be a list of non-null TextPair");
        }
        checkTexts(List.of(), options);
        EncodeRequests.requireFloatSentenceEmbeddings(options);
        List<String> first = pairs.stream().map(TextPair::first).toList();
        List<String> second = pairs.stream().map(TextPair::second).toList();
        return guarded(() -> encodeSentences(first, second, options));
    }

    /**
     * Encodes and quantizes (Python's {@code precision} argument): the int8/uint8 ranges come from this call's
     * embeddings as a whole, after truncation and normalization.
     */
    public QuantizedEmbeddings encodeQuantized(List<String> texts, EncodeOptions options) {
        checkTexts(texts, options);
        if (options.precision() == Precision.FLOAT32) {
            throw new IllegalArgumentException("precision float32 gives floats: call encode(texts, options), or set "
                    + "EncodeOptions.precision to int8, uint8, binary or ubinary");
        }
        Precision p = options.precision();
        FloatMatrix floats = encode(texts, options.toBuilder().precision(Precision.FLOAT32).build());
        return Quantization.quantize(floats, p);
    }

    private FloatMatrix encodeSentences(List<String> texts, List<String> pairs, EncodeOptions options) {
        if (pairs == null) {
            List<FloatMatrix> parts = new ArrayList<>();
            encodeRows(texts.iterator(), texts.size(), options, (first, rows) -> parts.add(rows));
            return parts.isEmpty() ? FloatMatrix.wrap(0, outputDimension(options), new float[0])
                    : FloatMatrix.concat(parts);
        }
        Pipeline.Plan plan = pipeline.plan(options.task());
        InputModule input = plan.input();
        String prompt = resolvePrompt(options);
        int truncate = effectiveTruncateDim(options);
        int width = plan.embeddingDimension();
        int dim = Math.min(width, truncate);
        int n = texts.size();
        float[] out = new float[n * dim];
        if (n == 0) {
            return FloatMatrix.wrap(0, dim, out);
        }
        int promptLength = prompt.isEmpty() ? 0 : input.promptLength(prompt);
        List<TextTokenizer.Encoded> encoded = pairs == null ? input.encodeTexts(withPrompt(texts, prompt))
                : input.encodePairs(withPrompt(texts, prompt), pairs);
        runBatches(plan, encoded, options.batchSize(), promptLength, false, (rows, batch, f) -> {
            EncodeRequests.checkWidth(plan, f, width);
            float[] emb = f.sentenceEmbeddings();
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(emb, r * width, out, rows[r] * dim, dim);
            }
        });
        if (options.normalizeEmbeddings()) {
            Normalize.normalizeRows(out, dim);
        }
        return FloatMatrix.wrap(n, dim, out);
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
        EncodeRequests.requireFloatSentenceEmbeddings(options);
        return guarded(() -> encodeRows(texts, -1, options, sink));
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
     * Python's {@code start_multi_process_pool}. The workers are threads sharing this model's weights; a worker on
     * another device than the model's gets the transformer opened on its device (see {@link EncodePool}).
     *
     * @throws IllegalArgumentException {@code devices} is empty or names an unknown device, or no installed backend
     *     runs the model on one of them (CUDA needs the onnx backend and {@code com.microsoft.onnxruntime:
     *     onnxruntime_gpu} on the class path in place of {@code onnxruntime}; the message says which)
     */
    public EncodePool startMultiProcessPool(List<String> devices) {
        return guarded(() -> new EncodePool(devices, pipeline.inputs()));
    }

    /**
     * Starts a pool that fills the machine: for a model loaded on a GPU ({@code LoadOptions.device}), one worker on
     * it; else as many CPU workers as the cores divided by the model's threads per forward pass (a model loaded with
     * {@code threads(1)} gets one worker per core).
     */
    public EncodePool startMultiProcessPool() {
        if (pipeline.input() instanceof dev.st4j.pipeline.Transformer t && t.device().cuda()) {
            return startMultiProcessPool(List.of(t.device().toString()));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = Math.max(1, cores / (intraOpThreads > 0 ? intraOpThreads : cores));
        return startMultiProcessPool(java.util.Collections.nCopies(workers, "cpu"));
    }

    /** Stops a pool's workers (Python's {@code stop_multi_process_pool}); the same as {@code pool.close()}. */
    public void stopMultiProcessPool(EncodePool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        pool.close();
    }

    /** Encodes a query: applies the model's {@code "query"} prompt unless the options name a prompt; task "query". */
    public float[] encodeQuery(String text) {
        return encodeQuery(text, EncodeOptions.defaults());
    }

    public float[] encodeQuery(String text, EncodeOptions options) {
        return encode(text, queryOptions(options));
    }

    public FloatMatrix encodeQuery(List<String> texts) {
        return encodeQuery(texts, EncodeOptions.defaults());
    }

    public FloatMatrix encodeQuery(List<String> texts, EncodeOptions options) {
        return encode(texts, queryOptions(options));
    }

    /**
     * Encodes a document: applies the first of the model's {@code "document"}, {@code "passage"}, {@code "corpus"}
     * prompts unless the options name a prompt; task "document".
     */
    public float[] encodeDocument(String text) {
        return encodeDocument(text, EncodeOptions.defaults());
    }

    public float[] encodeDocument(String text, EncodeOptions options) {
        return encode(text, documentOptions(options));
    }

    public FloatMatrix encodeDocument(List<String> texts) {
        return encodeDocument(texts, EncodeOptions.defaults());
    }

    public FloatMatrix encodeDocument(List<String> texts, EncodeOptions options) {
        return encode(texts, documentOptions(options));
    }

    /**
     * Token embeddings (Python's {@code output_value="token_embeddings"}): one {@code [tokens, hidden]} matrix per
     * text, special tokens included, trailing padding removed. Truncation and normalization options do not apply.
     */
    public List<FloatMatrix> encodeTokens(List<String> texts, EncodeOptions options) {
        return encodeAll(texts, options, true).stream().map(EncodedText::tokenEmbeddings).toList();
    }

    /**
     * Every output per text (Python's {@code output_value=None}): token embeddings with their ids and mask
     * (trailing padding removed), and the sentence embedding {@code encode} gives (truncated and normalized as the
     * options say).
     */
    public List<EncodedText> encodeAll(List<String> texts, EncodeOptions options) {
        return encodeAll(texts, options, false);
    }

    private List<EncodedText> encodeAll(List<String> texts, EncodeOptions options, boolean tokensOnly) {
        checkTexts(texts, options);
        return guarded(() -> {
            Pipeline.Plan plan = pipeline.plan(options.task());
            InputModule input = plan.input();
            String prompt = resolvePrompt(options);
            int promptLength = prompt.isEmpty() ? 0 : input.promptLength(prompt);
            int width = plan.embeddingDimension();
            int dim = Math.min(width, effectiveTruncateDim(options));
            List<TextTokenizer.Encoded> encoded = input.encodeTexts(withPrompt(texts, prompt));
            EncodedText[] out = new EncodedText[texts.size()];
            runBatches(plan, encoded, options.batchSize(), promptLength, tokensOnly, (rows, batch, f) -> {
                if (!tokensOnly) {
                    EncodeRequests.checkWidth(plan, f, width);
                }
                for (int r = 0; r < rows.length; r++) {
                    float[] sentence = tokensOnly ? new float[0]
                            : Arrays.copyOfRange(f.sentenceEmbeddings(), r * width, r * width + dim);
                    if (options.normalizeEmbeddings() && !tokensOnly) {
                        Normalize.normalizeRows(sentence, dim);
                    }
                    out[rows[r]] = EncodeRequests.trimmed(f, r, sentence);
                }
            });
            return List.of(out);
        });
    }

    /** Receives one batch's results: the original indices of its rows, the batch, the features. */
    private interface BatchSink {
        void accept(int[] rows, TokenBatch batch, Features features);
    }

    /**
     * Runs the texts through the plan in batches of texts of similar token counts (longest first, stable), and
     * hands each batch's results to {@code sink}. Batching by tokens, not characters as Python does, puts texts of
     * equal cost together and wastes less padding; results do not depend on it.
     */
    private void runBatches(Pipeline.Plan plan, List<TextTokenizer.Encoded> encoded, int batchSize,
            int promptLength, boolean tokensOnly, BatchSink sink) {
        int n = encoded.size();
        Integer[] order = lengthOrder(encoded);
        for (int start = 0; start < n; start += batchSize) {
            checkOpen();
            int end = Math.min(n, start + batchSize);
            List<TextTokenizer.Encoded> rows = new ArrayList<>(end - start);
            int[] indices = new int[end - start];
            for (int i = start; i < end; i++) {
                rows.add(encoded.get(order[i]));
                indices[i - start] = order[i];
            }
            TokenBatch batch = plan.input().pad(rows);
            Features f = tokensOnly ? plan.forwardTokens(batch, promptLength) : plan.forward(batch, promptLength);
            sink.accept(indices, batch, f);
        }
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

    // ---------------------------------------------------------------- evaluation

    /** Runs {@code evaluator} on this model, as Python's {@code model.evaluate(evaluator)}: metrics by Python's names. */
    public Map<String, Double> evaluate(dev.st4j.eval.Evaluator evaluator) {
        return evaluator.evaluate(this);
    }

    /** Runs {@code evaluator} and, if it writes CSV, appends its results to the CSV file in {@code outputFolder}. */
    public Map<String, Double> evaluate(dev.st4j.eval.Evaluator evaluator, Path outputFolder)
            throws java.io.IOException {
        return evaluator.evaluate(this, outputFolder);
    }

    // ---------------------------------------------------------------- properties

    /** The embedding width {@code encode} returns (after the model's {@code truncateDim}, if set). */
    public int getEmbeddingDimension() {
        Integer t = truncateDim;
        int dim = pipeline.embeddingDimension();
        return t == null ? dim : Math.min(dim, t);
    }

    /** The old name of {@link #getEmbeddingDimension()}. */
    public int getSentenceEmbeddingDimension() {
        return getEmbeddingDimension();
    }

    /**
     * Longest input in tokens, special tokens included; longer inputs are cut. Empty where Python reports none or
     * infinity (StaticEmbedding, a tokenizer without a limit).
     */
    public OptionalInt getMaxSeqLength() {
        int max = 0;
        for (InputModule in : pipeline.inputs()) {
            max = Math.max(max, in.maxSeqLength());
        }
        return max <= 0 || max == TextTokenizer.UNLIMITED ? OptionalInt.empty() : OptionalInt.of(max);
    }

    /** Sets the max sequence length of the model's input modules (every route of a Router). */
    public void setMaxSeqLength(int maxSeqLength) {
        if (maxSeqLength <= 0) {
            throw new IllegalArgumentException("maxSeqLength must be positive, got " + maxSeqLength);
        }
        pipeline.inputs().forEach(in -> in.setMaxSeqLength(maxSeqLength));
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

    /**
     * Python's {@code with model.truncate_embeddings(d):}: sets {@code truncateDim} until the returned scope is
     * closed, then restores the previous value (also when the body throws).
     */
    public TruncationScope truncateEmbeddings(int dim) {
        Integer previous = truncateDim;
        setTruncateDim(dim);
        return () -> truncateDim = previous;
    }

    /** The scope of {@link #truncateEmbeddings}; closing it restores the previous truncation. */
    @FunctionalInterface
    public interface TruncationScope extends AutoCloseable {
        @Override
        void close();
    }

    /** The prompts by name; always has {@code "query"} and {@code "document"} (empty when the model has none). */
    public Map<String, String> getPrompts() {
        return prompts;
    }

    /**
     * Replaces the prompts (Python's {@code model.prompts = {...}}). The current default prompt name must remain
     * one of them; {@code query} and {@code document} are not added back.
     */
    public void setPrompts(Map<String, String> prompts) {
        if (prompts == null || prompts.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null)) {
            throw new IllegalArgumentException("prompts must map non-null names to non-null texts");
        }
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
        checkDefaultPrompt(defaultPromptName, copy);
        this.prompts = copy;
    }

    public String getDefaultPromptName() {
        return defaultPromptName;
    }

    /** Sets the prompt {@code encode} applies when a call names none; null for none. Must be one of the prompts. */
    public void setDefaultPromptName(String name) {
        checkDefaultPrompt(name, prompts);
        this.defaultPromptName = name;
    }

    /** Python's {@code set_pooling_include_prompt}: whether the first Pooling module counts prompt tokens. */
    public void setPoolingIncludePrompt(boolean include) {
        pipeline.firstPooling().ifPresent(p -> p.setIncludePrompt(include));
    }

    /** The tokenizer of calls without a task, read-only. */
    public Tokenizer getTokenizer() {
        InputModule in = pipeline.input();
        return new Tokenizer() {
            @Override
            public TokenBatch tokenize(List<String> texts) {
                return SentenceTransformer.this.tokenize(texts);
            }

            @Override
            public List<String> tokens(String text) {
                return SentenceTransformer.this.tokens(text);
            }

            @Override
            public int untruncatedLength(String text) {
                if (text == null) {
                    throw new IllegalArgumentException("text must not be null");
                }
                return in.untruncatedLength(text);
            }

            @Override
            public String decode(int[] ids, boolean skipSpecialTokens) {
                return in.decode(ids, skipSpecialTokens);
            }

            @Override
            public OptionalInt maxSeqLength() {
                int m = in.maxSeqLength();
                return m == TextTokenizer.UNLIMITED ? OptionalInt.empty() : OptionalInt.of(m);
            }

            @Override
            public boolean padsLeft() {
                return in.padsLeft();
            }
        };
    }

    /** Tokenizes texts the way {@code encode} does (truncated, padded to the longest): ids, mask, type ids. */
    public TokenBatch tokenize(List<String> texts) {
        checkTexts(texts, EncodeOptions.defaults());
        InputModule in = pipeline.input();
        return in.pad(in.encodeTexts(texts));
    }

    /** The token strings of one text, special tokens included. */
    public List<String> tokens(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return List.of(pipeline.input().encodeTexts(List.of(text)).get(0).tokens());
    }

    /**
     * Saves the model in the Python layout (loadable by {@code SentenceTransformer(path)} in any sentence-transformers
     * version, and by st4j), with a model card: the modules' files plus the current prompts, similarity function,
     * truncation and max sequence length. The folder may exist; each file is replaced atomically.
     */
    public void save(Path folder) {
        savePretrained(folder, null, true);
    }

    /**
     * As {@link #save}, naming the model for its card ({@code modelName} such as {@code "user/model"}, or null), and
     * writing the card ({@code README.md}) only when {@code createModelCard}.
     */
    public void savePretrained(Path folder, String modelName, boolean createModelCard) {
        if (folder == null) {
            throw new IllegalArgumentException("folder must not be null");
        }
        guarded(() -> {
            ModelWriter.save(pipeline, prompts, defaultPromptName, getSimilarityFunction(), truncateDim, folder,
                    createModelCard ? card : null, modelName, getMaxSeqLength(), getEmbeddingDimension());
            return null;
        });
    }

    /** The folder the model was loaded from; null for a model built with {@link #of}. */
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

    /**
     * Frees the model. A call running in another thread fails at its next batch with an
     * {@link IllegalStateException}; the native resources are released once it has left.
     */
    @Override
    public void close() {
        closed = true;
        lifecycle.writeLock().lock();
        try {
            pipeline.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------- helpers

    private int outputDimension(EncodeOptions options) {
        return Math.min(pipeline.plan(options.task()).embeddingDimension(), effectiveTruncateDim(options));
    }

    /** Every encode path: the batch pipeline on the caller's pool, a temporary pool, one worker or inline. */
    private long encodeRows(Iterator<String> texts, long size, EncodeOptions options, EmbeddingSink sink) {
        Pipeline.Plan plan = pipeline.plan(options.task());
        String prompt = resolvePrompt(options);
        int width = plan.embeddingDimension();
        int dim = Math.min(width, effectiveTruncateDim(options));
        int promptLength = prompt.isEmpty() ? 0 : plan.input().promptLength(prompt);
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(options.batchSize(),
                options.tokenBudget() == null ? TokenBudgetBatcher.UNLIMITED : options.tokenBudget());
        if (options.tokenBudget() != null) {
            batcher.checkFits(plan.input().maxSeqLength());
        }
        EncodePool pool = options.pool();
        boolean temporaryPool = pool == null && options.devices() != null;
        if (temporaryPool) {
            pool = new EncodePool(options.devices(), pipeline.inputs());
        }
        InferenceWorkers workers = null;
        BatchPipeline.Placement placement = BatchPipeline.Placement.SHARED;
        boolean ownWorkers = false;
        try {
            int chunk;
            if (pool != null) {
                workers = pool.workers();
                placement = pool.placement();
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
            BatchPipeline.Settings settings = new BatchPipeline.Settings(plan, prompt, promptLength, dim,
                    options.normalizeEmbeddings(), batcher, chunk, progress(options, size), this::checkOpen,
                    f -> EncodeRequests.checkWidth(plan, f, width));
            return BatchPipeline.run(texts, size, settings, workers, placement,
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


    private <T> T guarded(Supplier<T> body) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return body.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this SentenceTransformer was closed (by another thread?); load the "
                    + "model again to encode");
        }
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
        Map<String, String> p = prompts;
        if (options.prompt() != null) {
            return options.prompt();
        }
        if (options.promptName() != null) {
            String text = p.get(options.promptName());
            if (text == null) {
                throw new IllegalArgumentException("Prompt name '" + options.promptName()
                        + "' not found in the configured prompts dictionary with keys " + p.keySet());
            }
            return text;
        }
        String def = defaultPromptName;
        if (def != null) {
            return p.getOrDefault(def, "");
        }
        return "";
    }

    /**
     * The options {@code encodeQuery} encodes with: task {@code "query"}, and prompt name {@code "query"} when the
     * options name no prompt (for {@link #encodeTokens}, {@link #encodeQuantized} ... as queries).
     */
    public EncodeOptions queryOptions(EncodeOptions options) {
        return withTaskPrompt(options, "query", "query");
    }

    /**
     * The options {@code encodeDocument} encodes with: task {@code "document"}, and the first of the prompt names
     * {@code "document"}, {@code "passage"}, {@code "corpus"} the model has when the options name no prompt.
     */
    public EncodeOptions documentOptions(EncodeOptions options) {
        return withTaskPrompt(options, "document", "document", "passage", "corpus");
    }

    /** encode_query / encode_document: the task, and the first of {@code names} the model has as prompt name. */
    private EncodeOptions withTaskPrompt(EncodeOptions options, String task, String... names) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        EncodeOptions.Builder b = options.toBuilder().task(task);
        if (options.prompt() == null && options.promptName() == null) {
            for (String name : names) {
                if (prompts.containsKey(name)) {
                    b.promptName(name);
                    break;
                }
            }
        }
        return b.build();
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

    /** Indices sorted by token count, longest first (stable). */
    private static Integer[] lengthOrder(List<TextTokenizer.Encoded> encoded) {
        Integer[] order = new Integer[encoded.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> encoded.get(i).length()).reversed());
        return order;
    }
}
