package com.example.counter.db;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The Redis clients' events as MicroProfile Metrics, scraped as
 * {@code counter_redis_command_duration_seconds} (a histogram: its buckets are set in
 * microprofile-config.properties) by endpoint and outcome, and
 * {@code counter_redis_read_fallback_switches_total}, and the gauge
 * {@code counter_redis_read_fallback_active}. The meters are made once, so recording one
 * is no registry lookup.
 */
// Typed: RedisObservers is the one RedisMonitor to inject, and reports here.
@ApplicationScoped
@Typed(RedisMetrics.class)
public class RedisMetrics implements RedisMonitor {

    static final String COMMAND_DURATION = "counter.redis.command.duration";
    static final String FALLBACK_SWITCHES = "counter.redis.read.fallback.switches";
    static final String FALLBACK_ACTIVE = "counter.redis.read.fallback.active";

    @Inject
    MetricRegistry registry;

    private final Map<Endpoint, Map<Outcome, Timer>> durations = new EnumMap<>(Endpoint.class);
    private Counter fallbackSwitches;
    /** 1 while reads fall back to the master. Kept here, not read from ReadRoute at scrape time:
     *  the scrape runs on a thread outside the application, where its CDI proxies cannot be used. */
    private final AtomicInteger fallbackActive = new AtomicInteger();

    @PostConstruct
    void register() {
        Metadata duration = Metadata.builder().withName(COMMAND_DURATION).withUnit(MetricUnits.SECONDS)
                .withDescription("Redis commands, from borrowing a pooled connection to the answer,"
                        + " by endpoint (read or write) and outcome (success, unavailable, error)")
                .build();
        for (Endpoint endpoint : Endpoint.values()) {
            Map<Outcome, Timer> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, registry.timer(duration,
                        new Tag("endpoint", endpoint.label()), new Tag("outcome", outcome.label())));
            }
            durations.put(endpoint, byOutcome);
        }
        fallbackSwitches = registry.counter(Metadata.builder().withName(FALLBACK_SWITCHES)
                .withDescription("How often reads switched from the failing read endpoint to the master")
                .build());
        registry.gauge(Metadata.builder().withName(FALLBACK_ACTIVE)
                .withDescription("1 while reads go to the master because the read endpoint failed, else 0")
                .build(), fallbackActive, AtomicInteger::get);
    }

    @Override
    public void commandCompleted(Endpoint endpoint, RedisEndpoint server, String operation, long nanos,
            Outcome outcome) {
        durations.get(endpoint).get(outcome).update(Duration.ofNanos(nanos));
    }

    @Override
    public void readFallbackStarted() {
        fallbackSwitches.inc();
        fallbackActive.set(1);
    }

    @Override
    public void readFallbackEnded() {
        fallbackActive.set(0);
    }
}
