package dev.st4j.tokenizers.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Chars;
import dev.st4j.tokenizers.Encoding;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.TokenizerFormatException;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import dev.st4j.tokenizers.pretokenizers.ByteLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the post-processors of tokenizer.json. */
public final class Processors {
    private Processors() {}

    /** The post-processor a tokenizer.json {@code post_processor} value describes; null for none. */
    public static PostProcessor fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = Json.type(node, "post_processor");
        return switch (type) {
            case "TemplateProcessing" -> Template.fromJson(node);
            case "BertProcessing" -> new Bert(special(node, "cls"), special(node, "sep"));
            case "RobertaProcessing" -> new Roberta(special(node, "cls"), special(node, "sep"),
                    Json.bool(node, "trim_offsets", true), Json.bool(node, "add_prefix_space", true));
            case "ByteLevel" -> new ByteLevelProcessor(Json.bool(node, "trim_offsets", true),
                    Json.bool(node, "add_prefix_space", true));
            case "Sequence" -> {
                List<PostProcessor> list = new ArrayList<>();
                for (JsonNode p : node.path("processors")) {
                    PostProcessor built = fromJson(p);
                    if (built != null) {
                        list.add(built);
                    }
                }
                yield new SequenceProcessor(list);
            }
            default -> throw new UnsupportedFeatureException("the post-processor \"" + type + "\"");
        };
    }

    /** A ["token", id] pair of BertProcessing and RobertaProcessing. */
    record Special(String token, int id) {}

    private static Special special(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || v.size() != 2) {
            throw new TokenizerFormatException("post_processor needs \"" + key + "\": [token, id], got " + v);
        }
        return new Special(v.get(0).asText(), v.get(1).asInt());
    }

    private static Encoding one(Special s, int typeId) {
        return Encoding.special(new int[] {s.id()}, new String[] {s.token()}, typeId);
    }

    record Bert(Special cls, Special sep) implements PostProcessor {
        @Override
        public int addedTokens(boolean pair) {
            return pair ? 3 : 2;
        }

        @Override
        public Encoding process(Encoding first, Encoding second, boolean addSpecialTokens) {
            if (!addSpecialTokens) {
                return PostProcessor.concat(first, second);
            }
            List<Encoding> parts = new ArrayList<>(5);
            parts.add(one(cls, 0));
            parts.add(first.withTypeAndSequence(0, 0));
            parts.add(one(sep, 0));
            if (second != null) {
                parts.add(second.withTypeAndSequence(1, 1));
                parts.add(one(sep, 1));
            }
            return Encoding.concat(parts);
        }
    }

    record Roberta(Special cls, Special sep, boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {
        @Override
        public int addedTokens(boolean pair) {
            return pair ? 4 : 2;
        }

        @Override
        public Encoding process(Encoding first, Encoding second, boolean addSpecialTokens) {
            if (trimOffsets) {
                first = trim(first, addPrefixSpace);
                second = second == null ? null : trim(second, addPrefixSpace);
            }
            if (!addSpecialTokens) {
                return PostProcessor.concat(first, second);
            }
            List<Encoding> parts = new ArrayList<>(6);
            parts.add(one(cls, 0));
            parts.add(first.withTypeAndSequence(0, 0));
            parts.add(one(sep, 0));
            if (second != null) {
                // RoBERTa has no segment embeddings to speak of: HF gives the second text type id 0 as well.
                parts.add(one(sep, 0));
                parts.add(second.withTypeAndSequence(0, 1));
                parts.add(one(sep, 0));
            }
            return Encoding.concat(parts);
        }
    }

    record ByteLevelProcessor(boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {
        @Override
        public int addedTokens(boolean pair) {
            return 0;
        }

        @Override
        public Encoding process(Encoding first, Encoding second, boolean addSpecialTokens) {
            if (trimOffsets) {
                first = trim(first, addPrefixSpace);
                second = second == null ? null : trim(second, addPrefixSpace);
            }
            return PostProcessor.concat(first, second);
        }
    }

    record SequenceProcessor(List<PostProcessor> processors) implements PostProcessor {
        @Override
        public int addedTokens(boolean pair) {
            return processors.stream().mapToInt(p -> p.addedTokens(pair)).sum();
        }

        @Override
        public Encoding process(Encoding first, Encoding second, boolean addSpecialTokens) {
            return run(first, false, second, false, addSpecialTokens);
        }

        @Override
        public Encoding processOverflowing(Encoding first, boolean firstWindow, Encoding second, boolean secondWindow,
                boolean addSpecialTokens) {
            return run(first, firstWindow, second, secondWindow, addSpecialTokens);
        }

        private Encoding run(Encoding first, boolean firstWindow, Encoding second, boolean secondWindow,
                boolean addSpecialTokens) {
            // HF runs each processor on the parts the previous one produced; st4j supports the common shape, where
            // only the last processor adds special tokens (ByteLevel offsets trimming, then a template).
            for (int i = 0; i < processors.size() - 1; i++) {
                PostProcessor p = processors.get(i);
                if (p.addedTokens(false) != 0 || p.addedTokens(true) != 0) {
                    throw new UnsupportedFeatureException(
                            "a post-processor Sequence whose non-last processor adds special tokens");
                }
                first = p.process(first, null, addSpecialTokens);
                second = second == null ? null : p.process(second, null, addSpecialTokens);
            }
            if (processors.isEmpty()) {
                return PostProcessor.concat(first, second);
            }
            PostProcessor last = processors.get(processors.size() - 1);
            return last.processOverflowing(first, firstWindow, second, secondWindow, addSpecialTokens);
        }
    }

    /** ByteLevel's offsets trimming: leading and trailing spaces ('Ġ') leave the token's offsets. */
    static Encoding trim(Encoding e, boolean addPrefixSpace) {
        int n = e.length();
        int[] s = e.offsetStarts().clone();
        int[] t = e.offsetEnds().clone();
        String[] tokens = e.tokens();
        char space = ByteLevel.byteChar(' ');
        for (int i = 0; i < n; i++) {
            String tok = tokens[i];
            int lead = 0;
            while (lead < tok.length() && (tok.charAt(lead) == space || Chars.isWhitespace(tok.charAt(lead)))) {
                lead++;
            }
            int trail = 0;
            while (trail < tok.length()
                    && (tok.charAt(tok.length() - 1 - trail) == space
                            || Chars.isWhitespace(tok.charAt(tok.length() - 1 - trail)))) {
                trail++;
            }
            if (lead > 0) {
                boolean isFirst = i == 0 || s[i] == 0;
                if (isFirst && addPrefixSpace && lead == 1) {
                    lead = 0;
                }
                s[i] = Math.min(s[i] + lead, t[i]);
            }
            if (trail > 0 && t[i] >= trail) {
                t[i] = Math.max(t[i] - trail, s[i]);
            }
        }
        return e.withOffsets(s, t);
    }

    /** TemplateProcessing: "single" and "pair" templates of sequences and special tokens. */
    record Template(List<Piece> single, List<Piece> pair, Map<String, Encoding> specials) implements PostProcessor {
        record Piece(boolean sequence, String id, int typeId) {}

        static Template fromJson(JsonNode node) {
            Map<String, Encoding> specials = new HashMap<>();
            JsonNode st = node.path("special_tokens");
            st.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                int[] ids = new int[v.path("ids").size()];
                String[] toks = new String[v.path("tokens").size()];
                if (ids.length != toks.length) {
                    throw new TokenizerFormatException("TemplateProcessing special token " + e.getKey()
                            + " has " + ids.length + " ids but " + toks.length + " tokens");
                }
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = v.get("ids").get(i).asInt();
                    toks[i] = v.get("tokens").get(i).asText();
                }
                specials.put(Json.text(v, "id", e.getKey()), Encoding.special(ids, toks, 0));
            });
            Template t = new Template(pieces(node.get("single"), specials), pieces(node.get("pair"), specials),
                    specials);
            return t;
        }

        private static List<Piece> pieces(JsonNode list, Map<String, Encoding> specials) {
            List<Piece> out = new ArrayList<>();
            if (list == null || list.isNull()) {
                return out;
            }
            for (JsonNode p : list) {
                if (p.has("Sequence")) {
                    JsonNode s = p.get("Sequence");
                    String id = Json.text(s, "id", "A");
                    if (!id.equals("A") && !id.equals("B")) {
                        throw new TokenizerFormatException("TemplateProcessing sequence id must be A or B, got " + id);
                    }
                    out.add(new Piece(true, id, Json.integer(s, "type_id", 0)));
                } else if (p.has("SpecialToken")) {
                    JsonNode s = p.get("SpecialToken");
                    String id = Json.requiredText(s, "id", "TemplateProcessing SpecialToken");
                    if (!specials.containsKey(id)) {
                        throw new TokenizerFormatException("TemplateProcessing uses the special token " + id
                                + ", which is not in its special_tokens");
                    }
                    out.add(new Piece(false, id, Json.integer(s, "type_id", 0)));
                } else {
                    throw new TokenizerFormatException("TemplateProcessing piece must be Sequence or SpecialToken: " + p);
                }
            }
            return out;
        }

        @Override
        public int addedTokens(boolean isPair) {
            int n = 0;
            for (Piece p : isPair ? pair : single) {
                if (!p.sequence()) {
                    n += specials.get(p.id()).length();
                }
            }
            return n;
        }

        @Override
        public Encoding process(Encoding first, Encoding second, boolean addSpecialTokens) {
            return apply(first, false, second, false, addSpecialTokens);
        }

        @Override
        public Encoding processOverflowing(Encoding first, boolean firstWindow, Encoding second, boolean secondWindow,
                boolean addSpecialTokens) {
            return apply(first, firstWindow, second, secondWindow, addSpecialTokens);
        }

        private Encoding apply(Encoding first, boolean firstWindow, Encoding second, boolean secondWindow,
                boolean addSpecialTokens) {
            List<Piece> template = second == null ? single : pair;
            List<Encoding> parts = new ArrayList<>(template.size());
            for (Piece p : template) {
                if (p.sequence()) {
                    boolean isB = p.id().equals("B");
                    Encoding e = isB ? second : first;
                    if (e == null) {
                        throw new IllegalArgumentException("the pair template needs a second text");
                    }
                    boolean window = isB ? secondWindow : firstWindow;
                    parts.add(e.withTypeAndSequence(window ? (isB ? 1 : 0) : p.typeId(), isB ? 1 : 0));
                } else if (addSpecialTokens) {
                    Encoding s = specials.get(p.id());
                    parts.add(s.withTypeAndSequence(p.typeId(), -1));
                }
            }
            return parts.isEmpty() ? Encoding.empty() : Encoding.concat(parts);
        }
    }
}
