/**
 * st4j's tokenizer: reads a Hugging Face {@code tokenizer.json} and encodes text as the Rust {@code tokenizers}
 * library does, in pure Java. {@code dev.st4j.tokenizers} is the API; the pipeline stages (normalizers,
 * pre-tokenizers, models, post-processors, decoders) are its implementation and not exported.
 */
module dev.st4j.tokenizers {
    requires transitive com.fasterxml.jackson.databind; // Tokenizer.fromJson takes a JsonNode

    exports dev.st4j.tokenizers;
}
