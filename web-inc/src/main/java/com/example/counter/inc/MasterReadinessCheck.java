package com.example.counter.inc;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.example.counter.db.CountDBUnavailableException;
import com.example.counter.db.RedisEndpoint;
import com.example.counter.db.RedisReadinessCheck;

/**
 * Ready while the write endpoint answers, is a master (a replica there, after a failover or with a
 * wrong URI, would refuse every increment with READONLY) and has loaded its data (LOADING after a
 * restart).
 */
@Readiness
@ApplicationScoped
public class MasterReadinessCheck extends RedisReadinessCheck {

    @Override
    protected String name() {
        return "redis-write";
    }

    @Override
    protected RedisEndpoint endpoint() {
        return redis.settings().write();
    }

    @Override
    protected HealthCheckResponse check(HealthCheckResponseBuilder response) {
        Optional<String> refusal;
        try {
            refusal = redis.pingWrite().or(redis::writeRefusal);
        } catch (CountDBUnavailableException e) {
            refusal = Optional.of(e.getMessage());
        }
        return refusal.isEmpty()
                ? response.up().build()
                : response.down().withData("error", refusal.get()).build();
    }
}
