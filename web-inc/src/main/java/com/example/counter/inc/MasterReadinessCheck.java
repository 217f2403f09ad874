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
import com.example.counter.db.RedisPool;
import com.example.counter.db.RedisPools;
import com.example.counter.rest.CircuitBreakerWatch;

import redis.clients.jedis.UnifiedJedis;

/**
 * Ready while the master answers, is a master (a replica there, after a failover or with a wrong
 * URI, would refuse every increment with READONLY) and has loaded its data (LOADING after a
 * restart), and not for a circuit-breaker delay after requests failed for lack of Redis
 * enough to open the circuit breaker ({@link CircuitBreakerWatch}). In Sentinel mode the master is
 * the one the sentinels name: not ready while no sentinel answers (the error says so), and a
 * replica found there makes the client ask the sentinels again, since an unready pod gets no
 * increments whose READONLY would. Never part of liveness: a Redis outage makes pods unready, it
 * does not restart them.
 */
@Readiness
@ApplicationScoped
public class MasterReadinessCheck implements HealthCheck {

    @Inject
    RedisPools redis;

    @Inject
    CircuitBreakerWatch breaker;

    @Override
    public HealthCheckResponse call() {
        RedisPool master = redis.master();
        Optional<Instant> breakerOpen = breaker.openSince();
        Optional<String> refusal;
        if (breakerOpen.isPresent()) {
            refusal = Optional.of("circuit breaker open since " + breakerOpen.get());
        } else {
            refusal = check(master);
        }
        // After the check: in Sentinel mode it may have learnt where the master is.
        HealthCheckResponseBuilder response = HealthCheckResponse.named("redis-write")
                .withData("endpoint", master.endpoint())
                .withData("pool-active", redis.activeConnections());
        return refusal.isEmpty() ? response.up().build() : response.down().withData("error", refusal.get()).build();
    }

    /** Why the master cannot take increments now, if it cannot. */
    private static Optional<String> check(RedisPool master) {
        try {
            Optional<String> unreachable = master.ping();
            if (unreachable.isPresent()) {
                return unreachable;
            }
            String info = master.call("INFO", UnifiedJedis::info);
            if (!"master".equals(field(info, "role"))) {
                // A demoted master: the next check (and write) connects to the current one.
                master.reconnect();
            }
            return whyNoWrites(info);
        } catch (CountDBUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why a server with this INFO cannot take increments now, if it cannot. */
    static Optional<String> whyNoWrites(String info) {
        String role = field(info, "role");
        if (!"master".equals(role)) {
            return Optional.of("the write endpoint is a " + role + ", not a master");
        }
        if ("1".equals(field(info, "loading"))) {
            return Optional.of("the write endpoint is still loading its data");
        }
        return Optional.empty();
    }

    private static String field(String info, String name) {
        return info.lines()
                .filter(line -> line.startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim())
                .findFirst()
                .orElse("unknown");
    }
}
