package dev.st4j.tokenizers.decoders;

import java.util.List;

/** A tokenizer.json {@code decoder}: turns token strings back into text pieces. */
public interface Decoder {
    List<String> decodeChain(List<String> tokens);
}
