/**
 * The chain of modules a model runs ({@link dev.st4j.internal.pipeline.Pipeline}), the features one batch carries
 * between them, and the registry that maps Python module class names to loaders.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.pipeline;
