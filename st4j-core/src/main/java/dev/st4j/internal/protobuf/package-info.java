/**
 * Reading the protobuf wire format (tags, varints, sub-messages) of memory-mapped files such as ONNX models,
 * without a protobuf library.
 *
 * <p>Internal to st4j, no compatibility promise: use the public packages (see {@code dev.st4j}).
 */
package dev.st4j.internal.protobuf;
