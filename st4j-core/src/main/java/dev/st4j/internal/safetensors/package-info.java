/**
 * Reading (memory-mapped) and writing Hugging Face {@code .safetensors} weight files.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.safetensors;
