/**
 * The models embedded in st4j-model-* jars: finding their descriptors on the class path, unpacking them under st4j's
 * home, and rebuilding {@code model.safetensors} from their ONNX export for the Java engine.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.embedded;
