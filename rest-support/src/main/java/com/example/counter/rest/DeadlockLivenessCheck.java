package com.example.counter.rest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless threads are deadlocked: the one state a restart cures. Deliberately independent of
 * Redis, so an outage there makes pods unready instead of restarting them all.
 */
@Liveness
@ApplicationScoped
public class DeadlockLivenessCheck implements HealthCheck {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public HealthCheckResponse call() {
        long[] deadlocked = threads.findDeadlockedThreads();
        return HealthCheckResponse.named("deadlocks")
                .status(deadlocked == null)
                .withData("deadlocked-threads", deadlocked == null ? 0 : deadlocked.length)
                .build();
    }
}
