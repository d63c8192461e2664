package dev.st4j.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request the server answers with an error, in both APIs' terms: TEI's status and {@code error_type} (rendered as
 * {@code {"error": ..., "error_type": ...}} on TEI's routes) and OpenAI's status, {@code type} and {@code code}
 * (rendered as {@code {"error": {"message", "type", "param", "code"}}} under {@code /v1/}). The message names the
 * field or limit and what to send instead.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Messages about one field start with {@code field 'name'}; that name is OpenAI's {@code param}. */
    private static final Pattern FIELD = Pattern.compile("^field '([^']+)'");

    final int status;
    final String errorType;
    final int openAiStatus;
    final String openAiType;
    /** OpenAI's machine-readable {@code code}, or null. */
    final String openAiCode;
    /** Seconds for {@code Retry-After}, or 0 for none. */
    final int retryAfterSeconds;

    private ApiException(int status, String errorType, int openAiStatus, String openAiType, String openAiCode,
            String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
        this.openAiStatus = openAiStatus;
        this.openAiType = openAiType;
        this.openAiCode = openAiCode;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The request field the message is about (OpenAI's {@code param}), or null. */
    String param() {
        Matcher m = FIELD.matcher(getMessage());
        return m.find() ? m.group(1) : null;
    }

    /** 422 (OpenAI: 400): the body is not what the route documents (bad JSON, wrong type, out-of-range value). */
    static ApiException invalid(String message) {
        return new ApiException(422, "validation", 400, "invalid_request_error", null, message, 0);
    }

    /** 422 (OpenAI: 404 {@code model_not_found}): the {@code model} field names no served model. */
    static ApiException unknownModel(String message) {
        return new ApiException(422, "validation", 404, "invalid_request_error", "model_not_found", message, 0);
    }

    /** 413 (OpenAI: 400): the request is over a size limit (body bytes, inputs per request, tokens per input). */
    static ApiException tooLarge(String message) {
        return new ApiException(413, "validation", 400, "invalid_request_error", null, message, 0);
    }

    /** 400, TEI's {@code empty}: a request without inputs. */
    static ApiException empty(String message) {
        return new ApiException(400, "empty", 400, "invalid_request_error", null, message, 0);
    }

    /** 429, TEI's {@code overloaded} (OpenAI's {@code rate_limit_exceeded}): the model's queue is full. */
    static ApiException overloaded(String message) {
        return new ApiException(429, "overloaded", 429, "requests", "rate_limit_exceeded", message, 1);
    }

    /** 503, TEI's {@code unhealthy}: the server is stopping, or a model cannot be loaded. */
    static ApiException unavailable(String message) {
        return new ApiException(503, "unhealthy", 503, "server_error", null, message, 1);
    }

    /** 503 with {@code Retry-After}: the request's time ran out before the model reached it; nothing was computed. */
    static ApiException queueTimeout(String message) {
        return new ApiException(503, "overloaded", 503, "server_error", "timeout", message, 1);
    }

    /** 504: the request's time ran out while the model was computing it. */
    static ApiException inferenceTimeout(String message) {
        return new ApiException(504, "backend", 504, "server_error", "timeout", message, 0);
    }

    /** 404 or 405 for a path or method the server does not serve. */
    static ApiException noRoute(int status, String message) {
        return new ApiException(status, "validation", status, "invalid_request_error", null, message, 0);
    }

    /** 424, TEI's {@code backend} (OpenAI: 500): the model failed on a valid request. */
    static ApiException backend(String message) {
        return new ApiException(424, "backend", 500, "server_error", null, message, 0);
    }
}
