/**
 * How one {@code encode} call runs: tokenize, sort and batch (by count and token budget) on one thread, run the batches
 * on the inference workers, pool and hand out rows in input order; devices and the terminal progress bar.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.encoding;
