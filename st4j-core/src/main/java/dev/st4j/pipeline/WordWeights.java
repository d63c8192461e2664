package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.ModelFormatException;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleContext;
import dev.st4j.internal.pipeline.ModuleType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Weights each token embedding by its word's weight (idf values, say) and records each text's weight sum, which
 * the following Pooling's means divide by. Files: {@code config.json} with {@code vocab} (the word order of the
 * table before it), {@code word_weights} (word to weight; a word's lowercase form is tried too) and
 * {@code unknown_word_weight} (default 1).
 */
public final class WordWeights implements Module {
    public static final ModuleType TYPE = new ModuleType("WordWeights", List.of("config.json"), List.of(),
            WordWeights::load);

    private final List<String> vocab;
    private final Map<String, Double> wordWeights;
    private final double unknownWeight;
    private final float[] weights;

    private WordWeights(List<String> vocab, Map<String, Double> wordWeights, double unknownWeight) {
        this.vocab = List.copyOf(vocab);
        this.wordWeights = wordWeights;
        this.unknownWeight = unknownWeight;
        this.weights = new float[vocab.size()];
        for (int i = 0; i < weights.length; i++) {
            String w = vocab.get(i);
            Double v = wordWeights.containsKey(w) ? wordWeights.get(w) : wordWeights.get(w.toLowerCase(Locale.ROOT));
            weights[i] = (float) (v != null ? v : unknownWeight);
        }
    }

    static WordWeights load(ModuleContext c) {
        Path file = c.file("config.json");
        JsonNode cfg = ModelFolder.readJsonObject(file);
        if (!cfg.path("vocab").isArray() || !cfg.path("word_weights").isObject()) {
            throw new ModelFormatException(file, "a WordWeights config needs \"vocab\" (a list) and "
                    + "\"word_weights\" (word to weight)");
        }
        List<String> vocab = new ArrayList<>();
        cfg.get("vocab").forEach(w -> vocab.add(w.asText()));
        Map<String, Double> ww = new LinkedHashMap<>();
        for (var e : cfg.get("word_weights").properties()) {
            if (!e.getValue().isNumber()) {
                throw new ModelFormatException(file, "word_weights['" + e.getKey() + "'] must be a number");
            }
            ww.put(e.getKey(), e.getValue().asDouble());
        }
        return new WordWeights(vocab, ww, cfg.path("unknown_word_weight").asDouble(1));
    }

    @Override
    public void forward(Features f) {
        long[] ids = f.inputIds();
        long[] mask = f.attentionMask();
        float[] tokens = f.tokenEmbeddings();
        int h = f.tokenDim();
        int seq = f.batch().seqLength();
        float[] sums = new float[f.batch().batchSize()];
        float[] out = new float[tokens.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= weights.length) {
                throw new IllegalStateException("token id " + ids[i] + " is outside WordWeights' vocabulary of "
                        + weights.length + " words; its vocab must match the WordEmbeddings table");
            }
            float w = mask[i] == 0 ? 0f : weights[(int) ids[i]];
            sums[i / seq] += w;
            for (int k = 0; k < h; k++) {
                out[i * h + k] = tokens[i * h + k] * w;
            }
        }
        f.setTokenEmbeddings(out, h);
        f.setTokenWeightsSum(sums);
    }

    @Override
    public void save(Path dir) throws IOException {
        ObjectNode cfg = ModelFolder.mapper().createObjectNode();
        vocab.forEach(cfg.putArray("vocab")::add);
        ObjectNode ww = cfg.putObject("word_weights");
        wordWeights.forEach(ww::put);
        cfg.put("unknown_word_weight", unknownWeight);
        ModelFolder.writeJson(dir.resolve("config.json"), cfg, 4);
    }

    @Override
    public String typeName() {
        return "WordWeights";
    }

    @Override
    public String describe() {
        return "WordWeights(" + vocab.size() + " words)";
    }
}
