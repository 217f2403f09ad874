package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReadRouteTest {

    private static final RedisEndpoint READ = new RedisEndpoint("redis", 6379, 0, false);
    private static final RedisEndpoint WRITE = new RedisEndpoint("redis-0", 6379, 0, false);

    private final ManualClock clock = new ManualClock();
    private final ReadRoute route = new ReadRoute(Duration.ofSeconds(5), clock);

    @Test
    void readsUseTheReadEndpointWhileItIsHealthy() {
        assertTrue(route.useReadEndpoint());
        assertFalse(route.fallingBack());
    }

    @Test
    void afterAFailureReadsSkipTheReadEndpointForTheInterval() {
        route.readEndpointFailed(READ, WRITE, new RuntimeException("refused"));

        assertFalse(route.useReadEndpoint(), "the failed endpoint should be skipped right after the failure");
        clock.advance(Duration.ofMillis(4999));
        assertFalse(route.useReadEndpoint(), "still inside the fallback interval");
        clock.advance(Duration.ofMillis(1));
        assertTrue(route.useReadEndpoint(), "the interval is over: time to probe the read endpoint again");
        assertTrue(route.fallingBack(), "still falling back until a probe succeeds");
    }

    @Test
    void onlyOneCallerProbesAtATime() {
        route.readEndpointFailed(READ, WRITE, new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));

        assertTrue(route.useReadEndpoint(), "the first caller after the interval probes");
        assertFalse(route.useReadEndpoint(), "the next one stays on the write endpoint meanwhile");
    }

    @Test
    void aSuccessfulProbeEndsTheFallback() {
        route.readEndpointFailed(READ, WRITE, new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));

        route.readEndpointSucceeded(READ);

        assertFalse(route.fallingBack());
        assertTrue(route.useReadEndpoint());
    }

    @Test
    void aFailedProbeStartsANewInterval() {
        route.readEndpointFailed(READ, WRITE, new RuntimeException("refused"));
        clock.advance(Duration.ofSeconds(5));
        route.readEndpointFailed(READ, WRITE, new RuntimeException("refused again"));

        assertFalse(route.useReadEndpoint());
    }
}
