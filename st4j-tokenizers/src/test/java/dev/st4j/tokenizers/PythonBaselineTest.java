package dev.st4j.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ids (and tokens) Python transformers 4.57.1 produced for the 83 multilingual inputs and the swift-transformers
 * cases (see shared/docs/TOKENIZERS.md); XLM-R's baseline comes from HF tokenizers and was cross-checked.
 */
class PythonBaselineTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode read(String name) throws IOException {
        return MAPPER.readTree(TestData.shared().resolve("tokenizer-conformance").resolve(name).toFile());
    }

    @ParameterizedTest
    @CsvSource({
        "bge_small_multilingual.json, bge-small-en-v1.5-tokenizer.json",
        "roberta_base_multilingual.json, tokenizers/roberta-base.tokenizer.json",
        "gpt2_multilingual.json, tokenizers/gpt2.tokenizer.json",
        "t5_small_multilingual.json, tokenizers/t5-small.tokenizer.json",
        "xlmr_paraphrase_multilingual_mpnet_multilingual.json, tokenizers/paraphrase-multilingual-mpnet-base-v2.tokenizer.json.gz",
    })
    void multilingualBaselineIdsAndTokens(String baseline, String file) throws IOException {
        Map<String, String> texts = new HashMap<>();
        for (JsonNode in : read("inputs.json")) {
            texts.put(in.get("id").asText(), in.get("text").asText());
        }
        Tokenizer t = Tokenizer.fromString(TestData.json(file)).withTruncation(null).withPadding(null);
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode e : read(baseline).get("entries")) {
            String text = texts.get(e.get("id").asText());
            Encoding got = t.encode(text);
            int[] want = MAPPER.convertValue(e.get("input_ids"), int[].class);
            String[] wantTokens = MAPPER.convertValue(e.get("tokens"), String[].class);
            // Python lists convert_ids_to_tokens(ids): an unknown piece shows as the unk token's string.
            String[] gotTokens = Arrays.stream(got.ids()).mapToObj(t::idToToken).toArray(String[]::new);
            // (The XLM-R baseline lists DJL's tokens, which keep an unknown piece's own text.)
            boolean tokensAgree = Arrays.equals(wantTokens, gotTokens) || Arrays.equals(wantTokens, got.tokens());
            if (!Arrays.equals(want, got.ids()) || !tokensAgree) {
                failures.add(e.get("id").asText() + ": " + Arrays.toString(wantTokens) + " vs "
                        + Arrays.toString(gotTokens));
            }
            n++;
        }
        assertEquals(83, n);
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @CsvSource({
        "bert-base-uncased, all-minilm-l6-v2-tokenizer.json",
        "google-bert/bert-base-uncased, all-minilm-l6-v2-tokenizer.json",
        "t5-base, tokenizers/t5-small.tokenizer.json",
        "distilgpt2, tokenizers/gpt2.tokenizer.json",
    })
    void swiftTransformersCases(String model, String file) throws IOException {
        // all-MiniLM-L6-v2 ships bert-base-uncased's vocabulary and settings; t5-small shares t5-base's
        // SentencePiece model; distilgpt2 shares gpt2's.
        Tokenizer t = Tokenizer.fromString(TestData.json(file)).withTruncation(null).withPadding(null);
        List<String> failures = new ArrayList<>();
        JsonNode cases = read("swift_tokenizer_tests.json").get(model);
        for (JsonNode c : cases) {
            Encoding got = t.encode(c.get("input").asText());
            JsonNode enc = c.get("encoded");
            int[] ids = MAPPER.convertValue(enc.get("input_ids"), int[].class);
            int[] mask = MAPPER.convertValue(enc.get("attention_mask"), int[].class);
            boolean ok = Arrays.equals(ids, got.ids()) && Arrays.equals(mask, got.attentionMask());
            if (enc.has("token_type_ids")) {
                ok &= Arrays.equals(MAPPER.convertValue(enc.get("token_type_ids"), int[].class), got.typeIds());
            }
            if (!ok) {
                failures.add(c.get("input").asText() + ": " + Arrays.toString(ids) + " vs " + Arrays.toString(got.ids()));
            }
        }
        assertEquals(true, cases.size() > 5);
        assertEquals(List.of(), failures);
    }
}
