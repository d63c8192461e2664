package dev.st4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the slow-tokenizer files an older hub repository ships (vocab.txt, vocab.json + merges.txt, a SentencePiece
 * model) from a fast tokenizer.json, so the converter's output can be checked against Hugging Face tokenizers
 * running the original file.
 */
final class SlowFolders {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SlowFolders() {}

    /** vocab.txt in id order, and a tokenizer_config.json with the file's BertNormalizer settings. */
    static Path bert(String json, Path dir) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        String[] byId = byId(root.path("model").path("vocab"));
        StringBuilder sb = new StringBuilder();
        for (String t : byId) {
            sb.append(t).append('\n');
        }
        Files.writeString(dir.resolve("vocab.txt"), sb, StandardCharsets.UTF_8);
        JsonNode n = root.path("normalizer");
        ObjectNode cfg = MAPPER.createObjectNode().put("tokenizer_class", "BertTokenizer")
                .put("do_lower_case", n.path("lowercase").asBoolean())
                .put("tokenize_chinese_chars", n.path("handle_chinese_chars").asBoolean());
        cfg.set("strip_accents", n.path("strip_accents"));
        cfg.put("unk_token", root.path("model").path("unk_token").asText()).put("model_max_length", 512);
        write(dir.resolve("tokenizer_config.json"), cfg);
        write(dir.resolve("special_tokens_map.json"), MAPPER.createObjectNode().put("unk_token", "[UNK]")
                .put("sep_token", "[SEP]").put("pad_token", "[PAD]").put("cls_token", "[CLS]")
                .put("mask_token", "[MASK]"));
        return dir;
    }

    /**
     * vocab.json and merges.txt (with its #version line); RoBERTa's config as the hub has it (only config.json's
     * model_type says which tokenizer) or GPT-2's tokenizer_class. {@code withDecoder}: tokenizer_config.json lists
     * the file's added tokens as added_tokens_decoder, as newer transformers versions write it.
     */
    static Path byteLevel(String json, Path dir, boolean roberta, boolean withDecoder) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        JsonNode model = root.path("model");
        write(dir.resolve("vocab.json"), model.path("vocab"));
        StringBuilder sb = new StringBuilder("#version: 0.2\n");
        for (JsonNode m : model.path("merges")) {
            sb.append(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText()).append('\n');
        }
        Files.writeString(dir.resolve("merges.txt"), sb, StandardCharsets.UTF_8);
        ObjectNode cfg = MAPPER.createObjectNode();
        if (roberta) {
            write(dir.resolve("config.json"), MAPPER.createObjectNode().put("model_type", "roberta"));
            cfg.put("add_prefix_space", root.path("pre_tokenizer").path("add_prefix_space").asBoolean())
                    .put("trim_offsets", root.path("post_processor").path("trim_offsets").asBoolean());
        } else {
            cfg.put("tokenizer_class", "GPT2Tokenizer")
                    .put("add_prefix_space", root.path("pre_tokenizer").path("add_prefix_space").asBoolean());
        }
        if (withDecoder) {
            ObjectNode dec = cfg.putObject("added_tokens_decoder");
            for (JsonNode t : root.path("added_tokens")) {
                ObjectNode e = dec.putObject(t.path("id").asText());
                t.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("id")) {
                        e.set(f.getKey(), f.getValue());
                    }
                });
            }
        }
        write(dir.resolve("tokenizer_config.json"), cfg);
        return dir;
    }

    /**
     * A SentencePiece ModelProto (pieces with scores and types, a unigram trainer spec with its unk_id, the
     * normalizer's precompiled charsmap) written from a Unigram tokenizer.json: XLM-R's fairseq ids shifted back
     * (sentencepiece.bpe.model), or T5's vocabulary without its extra ids (spiece.model).
     */
    static Path sentencePiece(String json, Path dir, boolean xlmr) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        JsonNode vocab = root.path("model").path("vocab");
        List<Object[]> pieces = new ArrayList<>();
        int unkId;
        if (xlmr) {
            pieces.add(new Object[] {"<unk>", 0f, 2});
            pieces.add(new Object[] {"<s>", 0f, 3});
            pieces.add(new Object[] {"</s>", 0f, 3});
            for (int i = 4; i < vocab.size() - 1; i++) {
                pieces.add(new Object[] {vocab.get(i).get(0).asText(), (float) vocab.get(i).get(1).asDouble(), 1});
            }
            unkId = 0;
        } else {
            int extra = 0;
            for (JsonNode t : root.path("added_tokens")) {
                if (t.path("content").asText().startsWith("<extra_id_")) {
                    extra++;
                }
            }
            unkId = root.path("model").path("unk_id").asInt();
            for (int i = 0; i < vocab.size() - extra; i++) {
                String p = vocab.get(i).get(0).asText();
                int type = i == unkId ? 2 : p.equals("<pad>") || p.equals("</s>") ? 3 : 1;
                pieces.add(new Object[] {p, (float) vocab.get(i).get(1).asDouble(), type});
            }
            write(dir.resolve("tokenizer_config.json"), MAPPER.createObjectNode().put("tokenizer_class",
                    "T5Tokenizer").put("extra_ids", extra));
        }
        String charsmap = findCharsmap(root.path("normalizer"));
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        for (Object[] p : pieces) {
            ByteArrayOutputStream piece = new ByteArrayOutputStream();
            bytesField(piece, 1, ((String) p[0]).getBytes(StandardCharsets.UTF_8));
            tag(piece, 2, 5);
            int bits = Float.floatToIntBits((Float) p[1]);
            for (int k = 0; k < 4; k++) {
                piece.write(bits >>> (8 * k));
            }
            tag(piece, 3, 0);
            varint(piece, (Integer) p[2]);
            bytesField(model, 1, piece.toByteArray());
        }
        ByteArrayOutputStream trainer = new ByteArrayOutputStream();
        tag(trainer, 3, 0);
        varint(trainer, 1);
        tag(trainer, 4, 0);
        varint(trainer, pieces.size());
        tag(trainer, 40, 0);
        varint(trainer, unkId);
        bytesField(model, 2, trainer.toByteArray());
        ByteArrayOutputStream normalizer = new ByteArrayOutputStream();
        bytesField(normalizer, 1, "nmt_nfkc".getBytes(StandardCharsets.UTF_8));
        bytesField(normalizer, 2, Base64.getDecoder().decode(charsmap));
        tag(normalizer, 3, 0);
        varint(normalizer, 1);
        bytesField(model, 3, normalizer.toByteArray());
        if (xlmr) {
            write(dir.resolve("tokenizer_config.json"), MAPPER.createObjectNode().put("tokenizer_class",
                    "XLMRobertaTokenizer"));
        }
        Files.write(dir.resolve(xlmr ? "sentencepiece.bpe.model" : "spiece.model"), model.toByteArray());
        return dir;
    }

    private static String findCharsmap(JsonNode n) {
        if (n.path("type").asText().equals("Precompiled")) {
            return n.path("precompiled_charsmap").asText();
        }
        for (JsonNode c : n.path("normalizers")) {
            String s = findCharsmap(c);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static void tag(ByteArrayOutputStream out, int field, int wire) {
        varint(out, (field << 3) | wire);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] b) {
        tag(out, field, 2);
        varint(out, b.length);
        out.write(b, 0, b.length);
    }

    private static String[] byId(JsonNode vocab) {
        String[] out = new String[vocab.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt();
            if (id < 0 || id >= out.length || out[id] != null) {
                throw new IllegalStateException("vocab ids are not 0..n-1 once each");
            }
            out[id] = e.getKey();
        }
        return out;
    }

    private static void write(Path file, JsonNode node) throws IOException {
        Files.write(file, MAPPER.writeValueAsBytes(node));
    }
}
