/**
 * The service interface for backends, for people who write one: a {@link dev.st4j.backend.BackendProvider}
 * (registered in {@code META-INF/services} and, on the module path, with {@code provides} in its module-info) says
 * which networks it runs and which weight files it loads, and opens a {@link dev.st4j.backend.TransformerBackend}
 * that turns a {@link dev.st4j.backend.TokenBatch} into token embeddings. st4j-onnx (ONNX Runtime) and st4j-engine
 * (pure Java) implement it. Users of {@link dev.st4j.SentenceTransformer} only name a backend
 * ({@code LoadOptions.builder().backend("java")}).
 */
package dev.st4j.backend;
