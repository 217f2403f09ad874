package com.example.counter.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * Where reads go: to the read endpoint, or to the master for a while after the read endpoint
 * failed ({@code counter.redis.read-fallback-interval}). Each switch is logged once, not once per
 * request.
 */
@ApplicationScoped
public class ReadRoute {

    private static final Logger LOG = Logger.getLogger(ReadRoute.class.getName());

    private RedisPools pools;
    private Duration fallbackInterval;
    private Clock clock;
    private RedisMonitor monitor;
    /** Until when reads skip the read endpoint; null while it is healthy. */
    private final AtomicReference<Instant> fallbackUntil = new AtomicReference<>();

    @Inject
    public ReadRoute(RedisPools pools, @ConfigProperties CountDBConfig config, RedisMonitor monitor) {
        this(pools, config.readFallbackInterval(), Clock.systemUTC(), monitor);
    }

    ReadRoute(RedisPools pools, Duration fallbackInterval, Clock clock, RedisMonitor monitor) {
        this.pools = pools;
        this.fallbackInterval = fallbackInterval;
        this.clock = clock;
        this.monitor = monitor;
    }

    /** For CDI's client proxy only. */
    protected ReadRoute() {
    }

    /** Runs a read on the read endpoint, or on the master while the read endpoint fails. */
    public <T> T read(Function<RedisPool, T> query) {
        if (useReadEndpoint()) {
            try {
                T result = readOnce(pools.readEndpoint(), query);
                readEndpointSucceeded();
                return result;
            } catch (CountDBUnavailableException e) {
                readEndpointFailed(e);
            }
        }
        return readOnce(pools.master(), query);
    }

    /**
     * A read, tried a second time when the first failed on a connection that a Redis restart had
     * closed: reads are safe to repeat. Not after a timeout, which would only double the wait.
     */
    private static <T> T readOnce(RedisPool pool, Function<RedisPool, T> query) {
        try {
            return query.apply(pool);
        } catch (CountDBUnavailableException e) {
            if (RedisFailures.timedOut(e) || !RedisFailures.connectionBroke(e)) {
                throw e;
            }
        }
        return query.apply(pool);
    }

    /** Whether reads are served by the master right now because the read endpoint failed. */
    public boolean fallingBack() {
        return fallbackUntil.get() != null;
    }

    /**
     * True when the read endpoint should be tried: it is healthy, or it is time to probe it again.
     * Only one caller gets to probe (the others stay on the master for another interval), so a
     * still-hung endpoint holds up one request, not all that arrive at that moment.
     */
    boolean useReadEndpoint() {
        Instant until = fallbackUntil.get();
        if (until == null) {
            return true;
        }
        Instant now = clock.instant();
        return !now.isBefore(until) && fallbackUntil.compareAndSet(until, now.plus(fallbackInterval));
    }

    void readEndpointFailed(RuntimeException cause) {
        Instant previous = fallbackUntil.getAndSet(clock.instant().plus(fallbackInterval));
        if (previous == null) {
            monitor.readFallbackStarted();
            LOG.warning(() -> "Read endpoint " + pools.readEndpoint().endpoint() + " failed (" + cause.getMessage()
                    + "); reading from " + pools.master().endpoint() + " and trying the read endpoint again every "
                    + fallbackInterval.toSeconds() + "s");
        }
    }

    void readEndpointSucceeded() {
        // Read before writing: the common healthy case costs no write to shared memory.
        if (fallbackUntil.get() != null && fallbackUntil.getAndSet(null) != null) {
            monitor.readFallbackEnded();
            LOG.info(() -> "Read endpoint " + pools.readEndpoint().endpoint() + " answers again; reads go back to it");
        }
    }
}
