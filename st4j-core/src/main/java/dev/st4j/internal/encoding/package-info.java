/**
 * How one {@code encode} call runs: tokenize, sort and batch (by count and token budget) on one thread, run the batches
 * on the inference workers (each on its device's copy of the input module), pool and hand out rows in input order;
 * the terminal progress bar.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.encoding;
