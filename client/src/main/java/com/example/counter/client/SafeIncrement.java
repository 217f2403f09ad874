package com.example.counter.client;

import java.time.Duration;
import java.util.UUID;

import jakarta.ws.rs.ProcessingException;

/**
 * One logical increment, retried with the same Idempotency-Key until the counter answers: the
 * server counts it once however many attempts reach it.
 */
final class SafeIncrement {

    /** Attempts in all, the first included. */
    static final int ATTEMPTS = 8;
    /** Waits between attempts grow from this, doubling, up to {@link #MAX_WAIT}. */
    static final Duration FIRST_WAIT = Duration.ofMillis(200);
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** The longest Retry-After honoured; a longer one ends the retries (the caller decides then). */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private final CounterClient counter;
    private final String key = "\"" + UUID.randomUUID() + "\"";

    SafeIncrement(CounterClient counter) {
        this.counter = counter;
    }

    long run() {
        Duration wait = FIRST_WAIT;
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return counter.increment(key);
            } catch (CounterException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                last = e;
                if (e.retryAfter().filter(after -> after.compareTo(MAX_RETRY_AFTER) > 0).isPresent()) {
                    throw e;
                }
                wait = e.retryAfter().orElse(wait);
            } catch (ProcessingException e) {
                // No answer (connection refused or reset, timeout): the increment may or may not
                // have happened; the same key makes the retry safe either way.
                last = e;
            }
            if (attempt < ATTEMPTS) {
                sleep(wait);
                wait = min(wait.multipliedBy(2), MAX_WAIT);
            }
        }
        throw last;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry an increment", e);
        }
    }
}
