/**
 * st4j's public API, the Java face of Python's {@code sentence_transformers}: {@link dev.st4j.SentenceTransformer}
 * (load, encode, similarity, save), its immutable options ({@link dev.st4j.LoadOptions},
 * {@link dev.st4j.EncodeOptions}, {@link dev.st4j.SearchOptions}, {@link dev.st4j.MiningOptions}), results
 * ({@link dev.st4j.FloatMatrix}, {@link dev.st4j.QuantizedEmbeddings}, {@link dev.st4j.EncodedText}), the
 * {@code util} helpers ({@link dev.st4j.SemanticSearch}, {@link dev.st4j.Quantization},
 * {@link dev.st4j.SimilarityFunction}) and the typed errors ({@link dev.st4j.St4jException} and its subclasses).
 *
 * <p>The other public packages: {@code dev.st4j.pipeline} (modules), {@code dev.st4j.eval} (evaluators),
 * {@code dev.st4j.io} (embedding files), {@code dev.st4j.hub} (the hub cache) and {@code dev.st4j.backend} (the
 * service interface backends implement). Everything under {@code dev.st4j.internal} is st4j's implementation, with
 * no compatibility promise.
 */
package dev.st4j;
