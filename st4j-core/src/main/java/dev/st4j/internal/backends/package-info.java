/**
 * Choosing and opening a backend: the {@link dev.st4j.backend.BackendProvider}s found with {@link
 * java.util.ServiceLoader}, asked in order which runs a folder and with which weight files.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.backends;
