package com.example.counter.web;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.example.counter.db.CircuitBreakerState;
import com.example.counter.db.RedisConnections;

/**
 * Ready while the read endpoint answers and the circuit breaker in front of Redis is closed. When it does not but the write endpoint does, reads are
 * served from there ({@link RedisConnections#read}), so the pod stays ready and says so in the data.
 */
@Readiness
@ApplicationScoped
public class ReadEndpointReadinessCheck implements HealthCheck {

    @Inject
    RedisConnections redis;

    @Inject
    CircuitBreakerState breaker;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("redis-read")
                .withData("endpoint", redis.settings().read().toString())
                // Connections lent out right now, by both pools: zero when idle, so a leak shows.
                .withData("pool-active", redis.activeConnections());
        Optional<Instant> breakerOpen = breaker.openSince();
        if (breakerOpen.isPresent()) {
            return response.down().withData("error", "circuit breaker open since " + breakerOpen.get()).build();
        }
        Optional<String> readFailure = redis.pingRead();
        if (readFailure.isEmpty()) {
            return response.up().build();
        }
        response.withData("error", readFailure.get());
        Optional<String> writeFailure = redis.pingWrite();
        if (writeFailure.isEmpty()) {
            return response.up().withData("serving-from", redis.settings().write().toString()).build();
        }
        return response.down().withData("fallback-error", writeFailure.get()).build();
    }
}
