package com.example.counter.rest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether the circuit breaker in front of Redis is refusing calls, for the readiness checks: a pod
 * whose breaker is open answers 503 to everything, so it should get no traffic. MicroProfile Fault
 * Tolerance has no API for a breaker's state, so {@link FailureMapper} reports each refusal here.
 *
 * <p>The state lapses one breaker delay after the last refusal, when the breaker lets a trial call
 * through. Otherwise an unready pod, which gets no traffic, would never make the call that closes
 * its breaker, and stay unready.
 */
@ApplicationScoped
public class OpenCircuitBreaker {

    private static final Logger LOG = Logger.getLogger(OpenCircuitBreaker.class.getName());

    private final Clock clock;
    private final Duration delay;
    private volatile Instant lastRefusal = Instant.MIN;

    @Inject
    public OpenCircuitBreaker(@ConfigProperty(name = "counter.redis.circuit-breaker.delay") long delayMillis) {
        this(Duration.ofMillis(delayMillis), Clock.systemUTC());
    }

    OpenCircuitBreaker(Duration delay, Clock clock) {
        this.delay = delay;
        this.clock = clock;
    }

    /** For CDI's client proxy only. */
    protected OpenCircuitBreaker() {
        this(Duration.ZERO, Clock.systemUTC());
    }

    void refused() {
        Instant now = clock.instant();
        if (!isOpen(now)) {
            LOG.warning(() -> "Redis circuit breaker is open: calls fail fast for " + delay.toMillis()
                    + " ms before a trial call");
        }
        lastRefusal = now;
    }

    /** When the breaker last refused a call, while it may still be open. */
    public Optional<Instant> refusingSince() {
        return isOpen(clock.instant()) ? Optional.of(lastRefusal) : Optional.empty();
    }

    private boolean isOpen(Instant now) {
        return now.isBefore(lastRefusal.plus(delay));
    }
}
