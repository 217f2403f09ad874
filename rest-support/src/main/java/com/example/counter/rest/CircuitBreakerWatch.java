package com.example.counter.rest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import com.example.counter.db.RedisCountDB;

/**
 * Whether the circuit breaker in front of Redis may be open, for the readiness checks: a pod whose
 * breaker is open answers 503 to everything, so it should get no traffic. MicroProfile Fault
 * Tolerance has no API for a breaker's state, so this follows what opens it, from the 503s that
 * {@link FailureMapper} reports: the breaker refused a call, or enough calls failed to open it
 * (the fewest that {@link RedisCountDB}'s {@code @CircuitBreaker} opens on, read from the annotation).
 *
 * <p>The state lapses one breaker delay ({@code counter.redis.circuit-breaker.delay}) later, when an
 * open breaker lets a trial call through. Otherwise an unready pod, which gets no traffic, would
 * never make the call that closes its breaker, and stay unready.
 */
@ApplicationScoped
public class CircuitBreakerWatch {

    private static final Logger LOG = Logger.getLogger(CircuitBreakerWatch.class.getName());
    private static final CircuitBreaker BREAKER = RedisCountDB.class.getAnnotation(CircuitBreaker.class);
    /** Of requestVolumeThreshold calls, failureRatio failed: 2 of 4. */
    static final int FAILURES_TO_OPEN = (int) Math.ceil(BREAKER.requestVolumeThreshold() * BREAKER.failureRatio());

    private final Clock clock;
    private final Duration delay;
    /** The last FAILURES_TO_OPEN failures, oldest first. */
    private final Deque<Instant> failures = new ArrayDeque<>();
    private Instant lastRefusal = Instant.MIN;

    @Inject
    public CircuitBreakerWatch(@ConfigProperty(name = "counter.redis.circuit-breaker.delay") long delayMillis) {
        this(Duration.ofMillis(delayMillis), Clock.systemUTC());
    }

    CircuitBreakerWatch(Duration delay, Clock clock) {
        this.delay = delay;
        this.clock = clock;
    }

    /** For CDI's client proxy only. */
    protected CircuitBreakerWatch() {
        this(Duration.ZERO, Clock.systemUTC());
    }

    /** A request was answered 503 because of this failure of Redis or of the breaker in front of it. */
    synchronized void failed(Throwable failure) {
        boolean wasOpen = openSince().isPresent();
        Instant now = clock.instant();
        if (failure instanceof CircuitBreakerOpenException) {
            lastRefusal = now;
        } else {
            failures.addLast(now);
            if (failures.size() > FAILURES_TO_OPEN) {
                failures.removeFirst();
            }
        }
        if (!wasOpen && openSince().isPresent()) {
            LOG.warning(() -> "Redis calls fail: the circuit breaker may be open, not ready for "
                    + delay.toMillis() + " ms (the breaker's delay)");
        }
    }

    /** Since when the breaker may be open, while that is less than a breaker delay ago. */
    public synchronized Optional<Instant> openSince() {
        Instant cutoff = clock.instant().minus(delay);
        if (lastRefusal.isAfter(cutoff)) {
            return Optional.of(lastRefusal);
        }
        if (failures.size() == FAILURES_TO_OPEN && failures.peekFirst().isAfter(cutoff)) {
            return Optional.of(failures.peekLast());
        }
        return Optional.empty();
    }
}
