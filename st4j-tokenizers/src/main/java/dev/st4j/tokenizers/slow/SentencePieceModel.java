package dev.st4j.tokenizers.slow;

import dev.st4j.tokenizers.TokenizerFormatException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece {@code ModelProto} (sentencepiece_model.proto) the converters read, decoded by hand
 * from the protobuf wire format: data only, unknown fields skipped.
 *
 * @param pieces the vocabulary in id order
 * @param modelType {@code trainer_spec.model_type}: 1 unigram (the default), 2 BPE, 3 word, 4 char
 * @param unkId {@code trainer_spec.unk_id} (default 0)
 * @param byteFallback {@code trainer_spec.byte_fallback}
 * @param precompiledCharsmap {@code normalizer_spec.precompiled_charsmap} (empty when absent)
 * @param addDummyPrefix {@code normalizer_spec.add_dummy_prefix} (default true)
 * @param removeExtraWhitespaces {@code normalizer_spec.remove_extra_whitespaces} (default true)
 */
record SentencePieceModel(List<Piece> pieces, int modelType, int unkId, boolean byteFallback,
        byte[] precompiledCharsmap, boolean addDummyPrefix, boolean removeExtraWhitespaces) {
    static final int UNIGRAM = 1;
    static final int BPE = 2;

    /** One vocabulary entry; {@code type} 1 normal, 2 unknown, 3 control, 4 user defined, 5 unused, 6 byte. */
    record Piece(String piece, float score, int type) {
        static final int CONTROL = 3;
        static final int USER_DEFINED = 4;
    }

    /** Decodes a serialized ModelProto; {@code file} names it in errors. */
    static SentencePieceModel parse(byte[] data, String file) {
        Reader r = new Reader(data, 0, data.length, file);
        List<Piece> pieces = new ArrayList<>();
        int modelType = UNIGRAM;
        int unkId = 0;
        boolean byteFallback = false;
        byte[] charsmap = new byte[0];
        boolean dummyPrefix = true;
        boolean removeSpaces = true;
        while (r.more()) {
            int tag = r.varint32();
            int field = tag >>> 3;
            if (field == 1 && (tag & 7) == 2) {
                pieces.add(piece(r.message()));
            } else if (field == 2 && (tag & 7) == 2) {
                Reader t = r.message();
                while (t.more()) {
                    int tt = t.varint32();
                    switch (tt) {
                        case 3 << 3 -> modelType = t.varint32();
                        case 35 << 3 -> byteFallback = t.varint() != 0;
                        case 40 << 3 -> unkId = t.varint32();
                        default -> t.skip(tt);
                    }
                }
            } else if (field == 3 && (tag & 7) == 2) {
                Reader n = r.message();
                while (n.more()) {
                    int nt = n.varint32();
                    switch (nt) {
                        case (2 << 3) | 2 -> charsmap = n.bytes();
                        case 3 << 3 -> dummyPrefix = n.varint() != 0;
                        case 4 << 3 -> removeSpaces = n.varint() != 0;
                        default -> n.skip(nt);
                    }
                }
            } else {
                r.skip(tag);
            }
        }
        if (pieces.isEmpty()) {
            throw new TokenizerFormatException(file + " holds no SentencePiece pieces: not a SentencePiece model");
        }
        return new SentencePieceModel(List.copyOf(pieces), modelType, unkId, byteFallback, charsmap, dummyPrefix,
                removeSpaces);
    }

    private static Piece piece(Reader r) {
        String piece = "";
        float score = 0f;
        int type = 1;
        while (r.more()) {
            int tag = r.varint32();
            switch (tag) {
                case (1 << 3) | 2 -> piece = r.string();
                case (2 << 3) | 5 -> score = Float.intBitsToFloat(r.fixed32());
                case 3 << 3 -> type = r.varint32();
                default -> r.skip(tag);
            }
        }
        return new Piece(piece, score, type);
    }

    /** Protobuf wire-format reading over a slice of the file; any overrun is a format error naming the file. */
    private static final class Reader {
        private final byte[] data;
        private final int end;
        private final String file;
        private int pos;

        Reader(byte[] data, int start, int end, String file) {
            this.data = data;
            this.pos = start;
            this.end = end;
            this.file = file;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw truncated();
                }
                byte b = data[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new TokenizerFormatException(file + ": malformed protobuf varint at byte " + pos);
        }

        int varint32() {
            return (int) varint();
        }

        int fixed32() {
            need(4);
            int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16
                    | (data[pos + 3] & 0xFF) << 24;
            pos += 4;
            return v;
        }

        private int length() {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw truncated();
            }
            return (int) n;
        }

        Reader message() {
            int n = length();
            Reader sub = new Reader(data, pos, pos + n, file);
            pos += n;
            return sub;
        }

        byte[] bytes() {
            int n = length();
            byte[] out = java.util.Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return out;
        }

        String string() {
            int start = pos;
            int n = length();
            int at = pos;
            pos += n;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(data, at, n)).toString();
            } catch (CharacterCodingException e) {
                throw new TokenizerFormatException(file + ": a piece at byte " + start + " is not valid UTF-8");
            }
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> {
                    need(8);
                    pos += 8;
                }
                case 2 -> {
                    int n = length();
                    pos += n;
                }
                case 5 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw new TokenizerFormatException(file + ": unsupported protobuf wire type "
                        + (tag & 7) + " at byte " + pos + " (not a SentencePiece model?)");
            }
        }

        private void need(int n) {
            if (end - pos < n) {
                throw truncated();
            }
        }

        private TokenizerFormatException truncated() {
            return new TokenizerFormatException(file + " is truncated or not a SentencePiece model (protobuf ends"
                    + " inside a field at byte " + pos + ")");
        }
    }
}
