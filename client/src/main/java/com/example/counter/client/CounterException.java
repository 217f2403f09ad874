package com.example.counter.client;

import java.time.Duration;
import java.util.Optional;

/** The counter answered with an error; {@link #title()} and {@link #detail()} come from its problem details. */
public class CounterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String detail;
    private final transient Optional<Duration> retryAfter;

    public CounterException(int status, String title, String detail, Optional<Duration> retryAfter) {
        super(status + " " + title + (detail == null ? "" : ": " + detail));
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, e.g. 503. */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** May be null. */
    public String detail() {
        return detail;
    }

    /** How long the server asked to wait before trying again (503). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** True for answers that may succeed later: 503 and 429. */
    public boolean isTransient() {
        return status == 503 || status == 429;
    }
}
