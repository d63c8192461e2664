package dev.st4j.server;

/**
 * A request the server answers with an error: the HTTP status, TEI's {@code error_type} and a message that names
 * the field or limit and what to send instead. Rendered as TEI's {@code {"error": ..., "error_type": ...}}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String errorType;
    /** Seconds for {@code Retry-After}, or 0 for none. */
    final int retryAfterSeconds;

    private ApiException(int status, String errorType, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 422: the body is not what the route documents (bad JSON, wrong type, unknown name, out-of-range value). */
    static ApiException invalid(String message) {
        return new ApiException(422, "validation", message, 0);
    }

    /** 413: the request is over a size limit (body bytes, inputs per request, tokens per request). */
    static ApiException tooLarge(String message) {
        return new ApiException(413, "validation", message, 0);
    }

    /** 400, TEI's {@code empty}: a request without inputs. */
    static ApiException empty(String message) {
        return new ApiException(400, "empty", message, 0);
    }

    /** 429, TEI's {@code overloaded}: the model's queue is full; the client should retry after a second. */
    static ApiException overloaded(String message) {
        return new ApiException(429, "overloaded", message, 1);
    }

    /** 503, TEI's {@code unhealthy}: the server is stopping. */
    static ApiException unavailable(String message) {
        return new ApiException(503, "unhealthy", message, 1);
    }

    /** 404 or 405 for a path or method the server does not serve. */
    static ApiException noRoute(int status, String message) {
        return new ApiException(status, "validation", message, 0);
    }

    /** 424, TEI's {@code backend}: the model failed on a valid request. */
    static ApiException backend(String message) {
        return new ApiException(424, "backend", message, 0);
    }
}
