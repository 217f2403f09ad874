package com.example.counter.web;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.example.counter.db.RedisConnections;
import com.example.counter.db.RedisEndpoint;
import com.example.counter.db.RedisReadinessCheck;

/**
 * Ready while the read endpoint answers. When it does not but the write endpoint does, reads are
 * served from there ({@link RedisConnections#read}), so the pod stays ready and says so in the data.
 */
@Readiness
@ApplicationScoped
public class ReadEndpointReadinessCheck extends RedisReadinessCheck {

    @Override
    protected String name() {
        return "redis-read";
    }

    @Override
    protected RedisEndpoint endpoint() {
        return redis.settings().read();
    }

    @Override
    protected HealthCheckResponse check(HealthCheckResponseBuilder response) {
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
