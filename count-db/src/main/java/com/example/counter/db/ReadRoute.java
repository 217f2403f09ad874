package com.example.counter.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Decides whether reads go to the read endpoint or, after it failed, to the write endpoint for a
 * while. Logs each switch once, not once per request.
 */
final class ReadRoute {

    private static final Logger LOG = Logger.getLogger(ReadRoute.class.getName());

    private final Duration fallbackInterval;
    private final Clock clock;
    /** Until when reads skip the read endpoint; null while it is healthy. */
    private final AtomicReference<Instant> fallbackUntil = new AtomicReference<>();

    ReadRoute(Duration fallbackInterval, Clock clock) {
        this.fallbackInterval = fallbackInterval;
        this.clock = clock;
    }

    /**
     * True when the read endpoint should be tried: it is healthy, or it is time to probe it again.
     * Only one caller gets to probe (the others stay on the write endpoint for another interval),
     * so a still-hung endpoint holds up one request, not all that arrive at that moment.
     */
    boolean useReadEndpoint() {
        Instant until = fallbackUntil.get();
        if (until == null) {
            return true;
        }
        Instant now = clock.instant();
        return !now.isBefore(until) && fallbackUntil.compareAndSet(until, now.plus(fallbackInterval));
    }

    boolean fallingBack() {
        return fallbackUntil.get() != null;
    }

    void readEndpointFailed(RedisEndpoint read, RedisEndpoint write, RuntimeException cause) {
        Instant previous = fallbackUntil.getAndSet(clock.instant().plus(fallbackInterval));
        if (previous == null) {
            LOG.warning(() -> "Read endpoint " + read + " failed (" + cause.getMessage() + "); reading from "
                    + write + " and trying " + read + " again every " + fallbackInterval.toSeconds() + "s");
        }
    }

    void readEndpointSucceeded(RedisEndpoint read) {
        // Read before writing: the common healthy case costs no write to shared memory.
        if (fallbackUntil.get() != null && fallbackUntil.getAndSet(null) != null) {
            LOG.info(() -> "Read endpoint " + read + " answers again; reads go back to it");
        }
    }
}
