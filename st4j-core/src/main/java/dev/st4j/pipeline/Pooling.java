package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.ModelFormatException;
import dev.st4j.backend.TokenBatch;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns token embeddings into one sentence embedding per text. Several modes concatenate in the configured order.
 * Formulas follow sentence-transformers v5.5+: CLS takes the first unmasked position, max ignores masked positions,
 * mean divides by {@code max(count, 1e-9)}, weighted mean weights position {@code j} by {@code j + 1}.
 */
public final class Pooling implements Module {
    /**
     * Config keys: {@code embedding_dimension} (legacy {@code word_embedding_dimension}), {@code pooling_mode}
     * (legacy: the {@code pooling_mode_*} booleans), {@code include_prompt}.
     */
    public static final ModuleType TYPE = new ModuleType("Pooling", List.of("config.json"), List.of(),
            c -> load(c.dir(), c.inputDimension()));

    /** The pooling modes, with the names {@code pooling_mode} uses. */
    public enum Mode {
        CLS("cls"),
        MAX("max"),
        MEAN("mean"),
        MEAN_SQRT_LEN_TOKENS("mean_sqrt_len_tokens"),
        WEIGHTED_MEAN("weightedmean"),
        LAST_TOKEN("lasttoken");

        private final String configName;

        Mode(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        static Mode parse(String name, Path file) {
            for (Mode m : values()) {
                if (m.configName.equals(name)) {
                    return m;
                }
            }
            throw new ModelFormatException(file, "Invalid pooling mode: '" + name + "'. Valid pooling modes are: "
                    + Arrays.stream(values()).map(Mode::configName).collect(Collectors.joining(", ", "(", ")")));
        }
    }

    /** Legacy boolean keys in the order sentence-transformers converts them. */
    private static final String[][] LEGACY_KEYS = {
        {"pooling_mode_cls_token", "cls"},
        {"pooling_mode_max_tokens", "max"},
        {"pooling_mode_mean_tokens", "mean"},
        {"pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens"},
        {"pooling_mode_weightedmean_tokens", "weightedmean"},
        {"pooling_mode_lasttoken", "lasttoken"},
    };

    private final int embeddingDimension;
    private final List<Mode> modes;
    private volatile boolean includePrompt;

    public Pooling(int embeddingDimension, List<Mode> modes, boolean includePrompt) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("at least one pooling mode is needed");
        }
        this.embeddingDimension = embeddingDimension;
        this.modes = List.copyOf(modes);
        this.includePrompt = includePrompt;
    }

    /** Reads a Pooling folder's {@code config.json}, with either the {@code pooling_mode} key or the legacy booleans. */
    public static Pooling load(Path folder, int fallbackDimension) {
        Path file = folder.resolve("config.json");
        JsonNode cfg = ModelFolder.readJsonObject(file);
        JsonNode dimNode = cfg.has("embedding_dimension") ? cfg.get("embedding_dimension")
                : cfg.get("word_embedding_dimension");
        String dimKey = cfg.has("embedding_dimension") ? "embedding_dimension" : "word_embedding_dimension";
        if (dimNode != null && !dimNode.isNull() && (!dimNode.canConvertToInt() || dimNode.asInt() <= 0)) {
            throw new ModelFormatException(file, "\"" + dimKey + "\" must be a positive integer, got " + dimNode);
        }
        int dim = dimNode == null || dimNode.isNull() ? fallbackDimension : dimNode.asInt();
        if (dim <= 0) {
            throw new ModelFormatException(file, "needs \"embedding_dimension\": the width of the token embeddings");
        }
        if (fallbackDimension > 0 && dim != fallbackDimension) {
            throw new ModelFormatException(file, "\"" + dimKey + "\" is " + dim + " but the module before it "
                    + "produces " + fallbackDimension + "-wide token embeddings; fix the key to " + fallbackDimension);
        }
        List<Mode> modes = new ArrayList<>();
        JsonNode mode = cfg.get("pooling_mode");
        if (mode != null && mode.isTextual()) {
            modes.add(Mode.parse(mode.asText(), file));
        } else if (mode != null && mode.isArray()) {
            for (JsonNode m : mode) {
                modes.add(Mode.parse(m.asText(), file));
            }
        } else if (mode != null && !mode.isNull()) {
            throw new ModelFormatException(file, "\"pooling_mode\" must be a string or a list of strings");
        } else {
            for (String[] key : LEGACY_KEYS) {
                if (cfg.path(key[0]).asBoolean(false)) {
                    modes.add(Mode.parse(key[1], file));
                }
            }
        }
        if (modes.isEmpty()) {
            modes.add(Mode.MEAN);
        }
        return new Pooling(dim, modes, cfg.path("include_prompt").asBoolean(true));
    }

    public List<Mode> modes() {
        return modes;
    }

    public boolean includePrompt() {
        return includePrompt;
    }

    /** Python's {@code set_pooling_include_prompt}: whether prompt tokens count in the pooled embedding. */
    public void setIncludePrompt(boolean includePrompt) {
        this.includePrompt = includePrompt;
    }

    @Override
    public void save(Path dir) throws IOException {
        ModelFolder.writeJson(dir.resolve("config.json"), toConfig(), 4);
    }

    /**
     * The config as every sentence-transformers version reads it: the legacy booleans (plus
     * {@code include_prompt}) when they can express the modes, else {@code pooling_mode} as a list.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode toConfig() {
        var node = ModelFolder.mapper().createObjectNode();
        List<Mode> legacyOrder = Arrays.stream(LEGACY_KEYS).map(k -> Mode.parse(k[1], null))
                .filter(modes::contains).toList();
        if (legacyOrder.equals(modes)) {
            node.put("word_embedding_dimension", embeddingDimension);
            for (String[] key : LEGACY_KEYS) {
                node.put(key[0], modes.contains(Mode.parse(key[1], null)));
            }
        } else {
            node.put("embedding_dimension", embeddingDimension);
            var list = node.putArray("pooling_mode");
            modes.forEach(m -> list.add(m.configName()));
        }
        node.put("include_prompt", includePrompt);
        return node;
    }

    @Override
    public void forward(Features f) {
        TokenBatch batch = f.batch();
        int hidden = f.tokenDim();
        if (hidden != embeddingDimension) {
            throw new IllegalStateException("Pooling is configured for " + embeddingDimension
                    + "-wide token embeddings but receives " + hidden + "-wide ones; fix its embedding_dimension");
        }
        float[] pooled = pool(f.tokenEmbeddings(), f.attentionMask(), batch.batchSize(), batch.seqLength(),
                hidden, includePrompt ? 0 : f.promptLength(), f.tokenWeightsSum());
        f.setSentenceEmbeddings(pooled, hidden * modes.size());
    }

    /**
     * Pools {@code tokens} ({@code [b, len, h]}) under {@code mask} ({@code [b, len]}), ignoring the first
     * {@code promptLength} real positions of each row.
     */
    float[] pool(float[] tokens, long[] mask, int b, int len, int h, int promptLength) {
        return pool(tokens, mask, b, len, h, promptLength, null);
    }

    /** As above; {@code weightsSum} (from WordWeights, one per row) replaces the token count of the means. */
    float[] pool(float[] tokens, long[] mask, int b, int len, int h, int promptLength, float[] weightsSum) {
        long[] m = promptLength > 0 ? excludePrompt(mask, b, len, promptLength) : mask;
        int width = h * modes.size();
        float[] out = new float[b * width];
        for (int r = 0; r < b; r++) {
            int rowTok = r * len * h;
            int rowMask = r * len;
            for (int mi = 0; mi < modes.size(); mi++) {
                int o = r * width + mi * h;
                switch (modes.get(mi)) {
                    case CLS -> {
                        int first = 0;
                        while (first < len && m[rowMask + first] == 0) {
                            first++;
                        }
                        if (first == len) {
                            first = 0;
                        }
                        System.arraycopy(tokens, rowTok + first * h, out, o, h);
                    }
                    case MAX -> {
                        for (int k = 0; k < h; k++) {
                            float best = Float.NEGATIVE_INFINITY;
                            for (int j = 0; j < len; j++) {
                                if (m[rowMask + j] != 0) {
                                    best = Math.max(best, tokens[rowTok + j * h + k]);
                                }
                            }
                            out[o + k] = best;
                        }
                    }
                    case MEAN, MEAN_SQRT_LEN_TOKENS, WEIGHTED_MEAN -> {
                        boolean weighted = modes.get(mi) == Mode.WEIGHTED_MEAN;
                        double[] sum = new double[h];
                        double count = 0;
                        for (int j = 0; j < len; j++) {
                            if (m[rowMask + j] == 0) {
                                continue;
                            }
                            double w = weighted ? j + 1 : 1;
                            count += w;
                            int t = rowTok + j * h;
                            for (int k = 0; k < h; k++) {
                                sum[k] += w * tokens[t + k];
                            }
                        }
                        double denom = Math.max(weightsSum != null ? weightsSum[r] : count, 1e-9);
                        if (modes.get(mi) == Mode.MEAN_SQRT_LEN_TOKENS) {
                            denom = Math.sqrt(denom);
                        }
                        for (int k = 0; k < h; k++) {
                            out[o + k] = (float) (sum[k] / denom);
                        }
                    }
                    case LAST_TOKEN -> {
                        int last = len - 1;
                        while (last >= 0 && m[rowMask + last] == 0) {
                            last--;
                        }
                        if (last >= 0) {
                            System.arraycopy(tokens, rowTok + last * h, out, o, h);
                        }
                    }
                    default -> throw new AssertionError(modes.get(mi));
                }
            }
        }
        return out;
    }

    /** A copy of the mask with the first {@code p} real positions of each row (after any left padding) zeroed. */
    private static long[] excludePrompt(long[] mask, int b, int len, int p) {
        long[] m = mask.clone();
        for (int r = 0; r < b; r++) {
            int first = 0;
            while (first < len && mask[r * len + first] == 0) {
                first++;
            }
            if (first == len) {
                first = 0;
            }
            Arrays.fill(m, r * len, r * len + Math.min(len, first + p), 0L);
        }
        return m;
    }

    @Override
    public String typeName() {
        return "Pooling";
    }

    @Override
    public int outputDimension() {
        return embeddingDimension * modes.size();
    }

    @Override
    public String describe() {
        return "Pooling(" + modes.stream().map(Mode::configName).collect(Collectors.joining("+"))
                + (includePrompt ? "" : ", prompt excluded") + ")";
    }

    @Override
    public String toString() {
        return describe().toLowerCase(Locale.ROOT);
    }
}
