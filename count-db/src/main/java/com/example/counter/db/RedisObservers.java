package com.example.counter.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@link RedisMonitor} that the Redis clients report to in a server: every event goes to the
 * metrics and to the traces.
 */
@ApplicationScoped
public class RedisObservers implements RedisMonitor {

    private RedisMetrics metrics;
    private RedisTraces traces;

    @Inject
    public RedisObservers(RedisMetrics metrics, RedisTraces traces) {
        this.metrics = metrics;
        this.traces = traces;
    }

    /** For CDI's client proxy only. */
    protected RedisObservers() {
    }

    @Override
    public void commandCompleted(Endpoint endpoint, RedisEndpoint server, String operation, long nanos,
            Outcome outcome) {
        metrics.commandCompleted(endpoint, server, operation, nanos, outcome);
        traces.commandCompleted(endpoint, server, operation, nanos, outcome);
    }

    @Override
    public void readFallbackStarted() {
        metrics.readFallbackStarted();
        traces.readFallbackStarted();
    }

    @Override
    public void readFallbackEnded() {
        metrics.readFallbackEnded();
        traces.readFallbackEnded();
    }
}
