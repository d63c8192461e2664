/**
 * A model folder on disk: its files (resolved inside the folder, never outside), its JSON configs ({@code
 * modules.json}, {@code config_sentence_transformers.json}) and the short names models answer to.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.modelfolder;
