package dev.st4j.tokenizers.decoders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.st4j.tokenizers.Json;
import dev.st4j.tokenizers.NormalizedString;
import dev.st4j.tokenizers.Patterns;
import dev.st4j.tokenizers.UnsupportedFeatureException;
import dev.st4j.tokenizers.pretokenizers.ByteLevel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds the decoders of tokenizer.json. */
public final class Decoders {
    private Decoders() {}

    /** The decoder a tokenizer.json {@code decoder} value describes; null for none. */
    public static Decoder fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = Json.type(node, "decoder");
        return switch (type) {
            case "WordPiece" -> wordPiece(Json.text(node, "prefix", "##"), Json.bool(node, "cleanup", true));
            case "ByteLevel" -> tokens -> {
                StringBuilder sb = new StringBuilder();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (String t : tokens) {
                    byte[] b = tokenBytes(t);
                    bytes.write(b, 0, b.length);
                }
                sb.append(bytes.toString(StandardCharsets.UTF_8));
                return List.of(sb.toString());
            };
            case "Metaspace" -> {
                int replacement = Json.text(node, "replacement", "\u2581").codePointAt(0);
                boolean prepends = node.hasNonNull("prepend_scheme")
                        ? !node.get("prepend_scheme").asText().equals("never")
                        : Json.bool(node, "add_prefix_space", true);
                yield tokens -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (int i = 0; i < tokens.size(); i++) {
                        StringBuilder sb = new StringBuilder();
                        boolean first = i == 0;
                        tokens.get(i).codePoints().forEach(c -> {
                            if (c == replacement) {
                                if (!(first && prepends)) {
                                    sb.append(' ');
                                }
                            } else {
                                sb.appendCodePoint(c);
                            }
                        });
                        out.add(sb.toString());
                    }
                    return out;
                };
            }
            case "BPEDecoder" -> {
                String suffix = Json.text(node, "suffix", "</w>");
                yield tokens -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (int i = 0; i < tokens.size(); i++) {
                        out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
                    }
                    return out;
                };
            }
            case "Replace" -> {
                NormalizedString.Pattern p = Patterns.fromJson(node.get("pattern"));
                String content = Json.text(node, "content", "");
                yield tokens -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (String t : tokens) {
                        NormalizedString n = new NormalizedString(t);
                        n.replace(p, content);
                        out.add(n.get());
                    }
                    return out;
                };
            }
            case "Fuse" -> tokens -> List.of(String.join("", tokens));
            case "Strip" -> {
                int content = Json.text(node, "content", " ").codePointAt(0);
                int start = Json.integer(node, "start", 0);
                int stop = Json.integer(node, "stop", 0);
                yield tokens -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (String t : tokens) {
                        int[] cps = t.codePoints().toArray();
                        int s = 0;
                        while (s < start && s < cps.length && cps[s] == content) {
                            s++;
                        }
                        int e = cps.length;
                        int removed = 0;
                        while (removed < stop && e > s && cps[e - 1] == content) {
                            e--;
                            removed++;
                        }
                        out.add(new String(cps, s, e - s));
                    }
                    return out;
                };
            }
            case "ByteFallback" -> Decoders::byteFallback;
            case "Sequence" -> {
                List<Decoder> list = new ArrayList<>();
                for (JsonNode d : node.path("decoders")) {
                    Decoder built = fromJson(d);
                    if (built != null) {
                        list.add(built);
                    }
                }
                yield tokens -> {
                    List<String> t = tokens;
                    for (Decoder d : list) {
                        t = d.decodeChain(t);
                    }
                    return t;
                };
            }
            default -> throw new UnsupportedFeatureException("the decoder \"" + type + "\"");
        };
    }

    static Decoder wordPiece(String prefix, boolean cleanup) {
        return tokens -> {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (i != 0) {
                    t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
                }
                out.add(cleanup ? cleanup(t) : t);
            }
            return out;
        };
    }

    /** HF's clean_up_tokenization for the WordPiece decoder. */
    static String cleanup(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** A byte-level token's bytes; a token with any character outside the byte alphabet stands for itself. */
    private static byte[] tokenBytes(String t) {
        byte[] out = new byte[t.length()];
        for (int i = 0; i < t.length(); i++) {
            int b = ByteLevel.charByte(t.charAt(i));
            if (b < 0) {
                return t.getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /** Runs of "<0xXX>" tokens become the text of those bytes (U+FFFD per token when not valid UTF-8). */
    static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int pendingTokens = 0;
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) {
                pending.write(b);
                pendingTokens++;
                continue;
            }
            if (pendingTokens > 0) {
                flush(pending, pendingTokens, out);
                pendingTokens = 0;
            }
            out.add(t);
        }
        if (pendingTokens > 0) {
            flush(pending, pendingTokens, out);
        }
        return out;
    }

    private static void flush(ByteArrayOutputStream pending, int count, List<String> out) {
        try {
            out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(pending.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < count; i++) {
                out.add("\uFFFD");
            }
        }
        pending.reset();
    }

    private static int byteToken(String t) {
        if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            try {
                return Integer.parseInt(t.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
