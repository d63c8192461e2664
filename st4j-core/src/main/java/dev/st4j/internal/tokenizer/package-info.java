/**
 * The tokenizer a Transformer module uses: st4j's Java tokenizer or DJL's Hugging Face tokenizers, with truncation,
 * padding side and prompt lengths as sentence-transformers applies them.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.tokenizer;
