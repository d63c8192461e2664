/**
 * Embedding files other tools read: {@link dev.st4j.io.Npy} ({@code numpy.save}/{@code numpy.load} format) and
 * {@link dev.st4j.io.EmbeddingSafetensors} (named arrays with metadata), both holding
 * {@link dev.st4j.io.EmbeddingArray}s; written atomically, read strictly ({@link dev.st4j.io.EmbeddingFileException}).
 */
package dev.st4j.io;
