/**
 * {@code st4j serve}: an HTTP embedding server (Jetty) over {@link dev.st4j.SentenceTransformer}, with dynamic
 * batching, limits and Prometheus metrics. {@code dev.st4j.server} is its API ({@code EmbeddingServer},
 * {@code ServerOptions}, {@code ModelSource}).
 */
@SuppressWarnings("requires-automatic") // micrometer: automatic modules with stable names
module dev.st4j.server {
    requires transitive dev.st4j;
    requires com.fasterxml.jackson.databind;
    requires org.eclipse.jetty.server;
    requires micrometer.core;                   // Automatic-Module-Name
    requires micrometer.registry.prometheus;    // Automatic-Module-Name
    requires org.slf4j;

    exports dev.st4j.server;
}
