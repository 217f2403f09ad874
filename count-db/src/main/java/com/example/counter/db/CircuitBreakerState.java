package com.example.counter.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether the circuit breakers of {@link GuardedRedisCalls} are open, for readiness and the log.
 * MicroProfile Fault Tolerance has no API for that, so this follows the same signals: calls refused
 * as open, and failures. The breaker opens when 2 of the last 4 calls failed; 2 failures in a row
 * are the sure sign of that which needs no window of its own.
 *
 * <p>The state expires one breaker delay after the last trouble, when the breaker lets a trial
 * call through. Otherwise an unready pod, which gets no traffic, would never make the call that
 * closes its breaker, and stay unready.
 */
@ApplicationScoped
public class CircuitBreakerState {

    private static final Logger LOG = Logger.getLogger(CircuitBreakerState.class.getName());
    /** Failures in a row at which the breaker (4 calls, ratio 0.5) is open. */
    private static final int FAILURES_TO_OPEN = 2;

    private final Clock clock;
    private final AtomicReference<Instant> lastTrouble = new AtomicReference<>();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile boolean refused;

    private final long delayMillis;

    @Inject
    public CircuitBreakerState(@ConfigProperty(name = "counter.redis.circuit-breaker.delay") long delayMillis) {
        this(delayMillis, Clock.systemUTC());
    }

    CircuitBreakerState(long delayMillis, Clock clock) {
        this.delayMillis = delayMillis;
        this.clock = clock;
    }

    /** For CDI's client proxy only. */
    protected CircuitBreakerState() {
        this(0, Clock.systemUTC());
    }

    void refusedAsOpen() {
        if (!refused) {
            refused = true;
            LOG.warning(() -> "Redis circuit breaker is open: calls fail fast for " + delayMillis
                    + " ms before a trial call");
        }
        lastTrouble.set(clock.instant());
    }

    void callFailed() {
        failuresInARow.incrementAndGet();
        lastTrouble.set(clock.instant());
    }

    void callPassed() {
        // Read first: the common, healthy case writes nothing to shared memory.
        if (lastTrouble.get() != null) {
            lastTrouble.set(null);
            failuresInARow.set(0);
            if (refused) {
                refused = false;
                LOG.info("Redis calls succeed again: circuit breaker closed");
            }
        }
    }

    /** Since when calls have been failing or refused, while the breaker is (about to be) open. */
    public Optional<Instant> openSince() {
        Instant trouble = lastTrouble.get();
        boolean open = refused || failuresInARow.get() >= FAILURES_TO_OPEN;
        if (trouble == null || !open || clock.instant().isAfter(trouble.plus(Duration.ofMillis(delayMillis)))) {
            return Optional.empty();
        }
        return Optional.of(trouble);
    }
}
