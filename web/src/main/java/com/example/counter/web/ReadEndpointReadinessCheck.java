package com.example.counter.web;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.example.counter.db.RedisPools;
import com.example.counter.rest.CircuitBreakerWatch;

/**
 * Ready while the read endpoint answers. When it does not but the master does, reads are served
 * from the master ({@link com.example.counter.db.ReadRoute}), so the pod stays ready and says so in
 * the data. Not ready for a circuit-breaker delay after requests failed for lack of Redis
 * enough to open the circuit breaker ({@link CircuitBreakerWatch}). Never part of liveness: a
 * Redis outage makes pods unready, it does not restart them.
 */
@Readiness
@ApplicationScoped
public class ReadEndpointReadinessCheck implements HealthCheck {

    @Inject
    RedisPools redis;

    @Inject
    CircuitBreakerWatch breaker;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("redis-read")
                .withData("endpoint", redis.readEndpoint().endpoint().toString())
                .withData("pool-active", redis.activeConnections());
        Optional<Instant> breakerOpen = breaker.openSince();
        if (breakerOpen.isPresent()) {
            return response.down().withData("error", "circuit breaker open since " + breakerOpen.get()).build();
        }
        Optional<String> readFailure = redis.readEndpoint().ping();
        if (readFailure.isEmpty()) {
            return response.up().build();
        }
        response.withData("error", readFailure.get());
        Optional<String> masterFailure = redis.master().ping();
        if (masterFailure.isEmpty()) {
            return response.up().withData("serving-from", redis.master().endpoint().toString()).build();
        }
        return response.down().withData("fallback-error", masterFailure.get()).build();
    }
}
