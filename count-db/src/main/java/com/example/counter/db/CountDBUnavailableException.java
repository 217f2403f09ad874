package com.example.counter.db;

/**
 * The store cannot answer right now (unreachable, timed out, loading, read-only...). Asking again
 * later may succeed, so callers answer 503 rather than 500.
 *
 * <p>The message names the endpoint and the kind of failure, never a password; it is meant for
 * logs, not for HTTP clients.
 */
public class CountDBUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CountDBUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
