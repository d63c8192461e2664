/**
 * The modules a sentence-transformers model is made of, Python's {@code sentence_transformers.models}:
 * {@link dev.st4j.pipeline.Transformer}, {@link dev.st4j.pipeline.StaticEmbedding},
 * {@link dev.st4j.pipeline.WordEmbeddings}, {@link dev.st4j.pipeline.Pooling}, {@link dev.st4j.pipeline.Dense},
 * {@link dev.st4j.pipeline.Normalize}, {@link dev.st4j.pipeline.LayerNorm}, {@link dev.st4j.pipeline.Dropout},
 * {@link dev.st4j.pipeline.WordWeights} and {@link dev.st4j.pipeline.Router}. Build a model from them with
 * {@link dev.st4j.SentenceTransformer#of}; {@code SentenceTransformer.load} reads them from {@code modules.json}.
 *
 * <p>Each module also implements st4j's internal pipeline contract (its {@code forward}, its registry entry
 * {@code TYPE}, an input module's tokenizer); those members name {@code dev.st4j.internal} types and carry no
 * compatibility promise.
 */
package dev.st4j.pipeline;
