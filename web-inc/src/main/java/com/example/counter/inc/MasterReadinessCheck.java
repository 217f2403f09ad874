package com.example.counter.inc;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.example.counter.db.CountDBUnavailableException;
import com.example.counter.db.CircuitBreakerState;
import com.example.counter.db.RedisConnections;

/**
 * Ready while the circuit breaker in front of Redis is closed and the write endpoint answers, is a
 * master (a replica there, after a failover or with a wrong URI, would refuse every increment with
 * READONLY) and has loaded its data (LOADING after a restart).
 */
@Readiness
@ApplicationScoped
public class MasterReadinessCheck implements HealthCheck {

    @Inject
    RedisConnections redis;

    @Inject
    CircuitBreakerState breaker;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("redis-write")
                .withData("endpoint", redis.settings().write().toString())
                // Connections lent out right now, by both pools: zero when idle, so a leak shows.
                .withData("pool-active", redis.activeConnections());
        Optional<Instant> breakerOpen = breaker.openSince();
        if (breakerOpen.isPresent()) {
            return response.down().withData("error", "circuit breaker open since " + breakerOpen.get()).build();
        }
        Optional<String> failure = redis.pingWrite();
        if (failure.isPresent()) {
            return response.down().withData("error", failure.get()).build();
        }
        Optional<String> refusal;
        try {
            refusal = redis.writeRefusal();
        } catch (CountDBUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
        return refusal.isEmpty()
                ? response.up().build()
                : response.down().withData("error", refusal.get()).build();
    }
}
