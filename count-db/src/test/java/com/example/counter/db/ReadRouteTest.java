package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.counter.testsupport.ManualClock;

class ReadRouteTest {

    private final ManualClock clock = new ManualClock();
    // Nothing listens there: the route's decisions need no Redis, and making pools connects nowhere.
    private final RedisPools pools = new RedisPools(
            Configs.of("redis://redis-0:6379", "redis://redis:6379", "", Duration.ofSeconds(1)));
    private final AtomicInteger switches = new AtomicInteger();
    private final AtomicInteger recoveries = new AtomicInteger();
    private final ReadRoute route = new ReadRoute(pools, Duration.ofSeconds(5), clock, new RedisMonitor() {
        @Override
        public void commandCompleted(Endpoint endpoint, RedisEndpoint server, String operation, long nanos, Outcome outcome) {
        }

        @Override
        public void readFallbackStarted() {
            switches.incrementAndGet();
        }

        @Override
        public void readFallbackEnded() {
            recoveries.incrementAndGet();
        }
    });

    @AfterEach
    void closePools() {
        pools.close();
    }

    @Test
    void readsUseTheReadEndpointWhileItIsHealthy() {
        assertTrue(route.useReadEndpoint());
        assertFalse(route.fallingBack());
    }

    @Test
    void afterAFailureReadsSkipTheReadEndpointForTheInterval() {
        route.readEndpointFailed(new RuntimeException("refused"));

        assertFalse(route.useReadEndpoint(), "the failed endpoint should be skipped right after the failure");
        clock.advance(Duration.ofMillis(4999));
        assertFalse(route.useReadEndpoint(), "still inside the fallback interval");
        clock.advance(Duration.ofMillis(1));
        assertTrue(route.useReadEndpoint(), "the interval is over: time to probe the read endpoint again");
        assertTrue(route.fallingBack(), "still falling back until a probe succeeds");
    }

    @Test
    void onlyOneCallerProbesAtATime() {
        route.readEndpointFailed(new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));

        assertTrue(route.useReadEndpoint(), "the first caller after the interval probes");
        assertFalse(route.useReadEndpoint(), "the next one stays on the write endpoint meanwhile");
    }

    @Test
    void aSuccessfulProbeEndsTheFallback() {
        route.readEndpointFailed(new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));

        route.readEndpointSucceeded();

        assertFalse(route.fallingBack());
        assertTrue(route.useReadEndpoint());
    }

    @Test
    void aFailedProbeStartsANewInterval() {
        route.readEndpointFailed(new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));
        route.readEndpointFailed(new RuntimeException("refused again"));

        assertFalse(route.useReadEndpoint());
    }

    @Test
    void eachSwitchToTheMasterIsReportedOnceNotOncePerFailedProbe() {
        route.readEndpointFailed(new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));
        route.readEndpointFailed(new RuntimeException("refused again"));
        assertEquals(1, switches.get(), "a failed probe continues the same fallback");

        route.readEndpointSucceeded();
        route.readEndpointSucceeded();
        assertEquals(1, recoveries.get(), "the way back is reported once");
        route.readEndpointFailed(new RuntimeException("refused after recovering"));
        assertEquals(2, switches.get(), "failing again after a recovery is a new switch");
    }
}
