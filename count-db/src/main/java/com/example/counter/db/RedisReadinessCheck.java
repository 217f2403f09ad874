package com.example.counter.db;

import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * What the services' readiness checks share: the endpoint and pool activity in the data, and DOWN
 * while the circuit breaker in front of Redis is open. Each service adds what it needs from Redis.
 */
public abstract class RedisReadinessCheck implements HealthCheck {

    @Inject
    protected RedisConnections redis;

    @Inject
    CircuitBreakerState breaker;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name())
                .withData("endpoint", endpoint().toString())
                // Connections lent out right now, by both pools: zero when idle, so a leak shows.
                .withData("pool-active", redis.activeConnections());
        Optional<Instant> breakerOpen = breaker.openSince();
        if (breakerOpen.isPresent()) {
            return response.down().withData("error", "circuit breaker open since " + breakerOpen.get()).build();
        }
        return check(response);
    }

    /** The check's name in the health response. */
    protected abstract String name();

    /** The Redis endpoint this service depends on. */
    protected abstract RedisEndpoint endpoint();

    /** UP or DOWN (with the reason as data "error") from what Redis answers. */
    protected abstract HealthCheckResponse check(HealthCheckResponseBuilder response);
}
