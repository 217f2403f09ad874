package com.example.counter.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether {@link GuardedRedisCalls}' circuit breakers is open, for readiness. MicroProfile Fault
 * Tolerance has no API for that, so the breaker's own signal is recorded: a call refused as open.
 *
 * <p>The state expires one breaker delay after the last refusal. Otherwise an unready pod, which
 * gets no traffic, would never make the trial call that closes its breaker, and stay unready.
 */
@ApplicationScoped
public class CircuitBreakerState {

    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<Instant> lastRefusal = new AtomicReference<>();

    @Inject
    @ConfigProperty(name = "counter.redis.circuit-breaker.delay")
    long delayMillis;

    void refusedAsOpen() {
        lastRefusal.set(clock.instant());
    }

    void callPassed() {
        // Read first: the common, healthy case writes nothing to shared memory.
        if (lastRefusal.get() != null) {
            lastRefusal.set(null);
        }
    }

    /** When the breaker last refused a call, while that is less than one breaker delay ago. */
    public Optional<Instant> openAt() {
        Instant refused = lastRefusal.get();
        if (refused == null || clock.instant().isAfter(refused.plus(Duration.ofMillis(delayMillis)))) {
            return Optional.empty();
        }
        return Optional.of(refused);
    }
}
