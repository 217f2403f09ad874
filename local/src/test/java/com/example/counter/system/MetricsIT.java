package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.Responses;
import com.example.counter.testsupport.Scrape;

/**
 * What Prometheus scrapes from the running system moves with what the services do: increments by
 * outcome, Redis command durations, the read fallback, Fault Tolerance's circuit breaker.
 */
@ExtendWith(LocalSystem.class)
class MetricsIT {

    private static final String INCREMENTS = "counter_increments_total";
    private static final String REDIS_COMMANDS = "counter_redis_command_duration_seconds_count";
    private static final String BREAKER_STATE = "ft_circuitbreaker_state_total_nanoseconds";
    private static final String INCREMENT_METHOD = "com.example.counter.db.RedisCountDB.increment";
    private static final String PASSWORD = System.getProperty("counter.test.redis.password");

    private final Http http = LocalSystem.http();

    /**
     * The public port, where the route sends every request, serves neither metrics nor health:
     * they are unknown paths there, refused as problems whatever the method.
     */
    @Test
    void theRouteReachesNeitherMetricsNorHealth() {
        for (String path : new String[] {"/metrics", "/health", "/health/ready", "/health/live", "/health/started"}) {
            Responses.assertProblem(404, http.get(path));
            Responses.assertProblem(404, http.post(path));
        }
        Responses.assertStatus(200, LocalSystem.management().get("/health/ready"));
    }

    @Test
    void nIncrementsMoveTheAppliedCountByExactlyNAndTheRedisHistogramWithThem() {
        int n = 17;
        Scrape before = LocalSystem.scrape();
        for (int i = 0; i < n; i++) {
            Responses.assertStatus(200, http.post("/inc"));
        }
        Responses.assertStatus(200, http.get("/"));
        Scrape after = LocalSystem.scrape();

        assertEquals(n, after.sum(INCREMENTS, "outcome", "applied") - before.sum(INCREMENTS, "outcome", "applied"));
        assertTrue(after.sum(REDIS_COMMANDS, "endpoint", "write", "outcome", "success")
                - before.sum(REDIS_COMMANDS, "endpoint", "write", "outcome", "success") >= n,
                "every INCR is one write in the Redis command histogram");
        assertTrue(after.sum(REDIS_COMMANDS, "endpoint", "read", "outcome", "success")
                > before.sum(REDIS_COMMANDS, "endpoint", "read", "outcome", "success"), "the GET is a read");
        assertTrue(after.sum("counter_redis_command_duration_seconds_bucket", "endpoint", "write", "le", "+Inf")
                == after.sum(REDIS_COMMANDS, "endpoint", "write"), "the histogram's +Inf bucket is its count");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyCountsAsReplayedNotApplied() {
        Scrape before = LocalSystem.scrape();
        String key = "\"metrics-" + System.nanoTime() + "\"";
        for (int i = 0; i < 3; i++) {
            Responses.assertStatus(200, http.send(http.request("/inc").header("Idempotency-Key", key)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()));
        }
        Scrape after = LocalSystem.scrape();

        assertEquals(1, after.sum(INCREMENTS, "outcome", "applied") - before.sum(INCREMENTS, "outcome", "applied"));
        assertEquals(2, after.sum(INCREMENTS, "outcome", "replayed") - before.sum(INCREMENTS, "outcome", "replayed"));
    }

    @Test
    void theBreakerMetricShowsOpenWhileRedisIsFrozenAndClosedAfterItWakes() {
        double openedBefore = LocalSystem.scrape().sum("ft_circuitbreaker_opened_total", "method", INCREMENT_METHOD);
        LocalSystem.redis().master().freeze();
        try {
            await("the circuit breaker to open").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> http.post("/inc").statusCode() == 503 && timeInState("open") > 0
                            && growing("open"));
            Scrape open = LocalSystem.scrape();
            assertTrue(open.sum("ft_circuitbreaker_opened_total", "method", INCREMENT_METHOD) > openedBefore);
            assertTrue(open.sum(INCREMENTS, "outcome", "unavailable") > 0, "refused increments are counted");
        } finally {
            LocalSystem.redis().master().thaw();
        }
        await("increments to work again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> http.post("/inc").statusCode() == 200);
        // Closed: the time spent closed grows and the time spent open does not.
        double openSoFar = timeInState("open");
        await("the breaker to stay closed").atMost(Duration.ofSeconds(10)).until(() -> growing("closed"));
        assertEquals(openSoFar, timeInState("open"), "the breaker is open again");
    }

    /**
     * Of Liberty's statistics per request, the HTTP ones (which the alerts read) and the thread
     * pool's are exported; the per-servlet, per-REST-method and session ones, which repeated them
     * at a cost to every request, are not (README, "Metrics").
     */
    @Test
    void libertyExportsItsHttpAndThreadPoolStatisticsOnly() {
        Responses.assertStatus(200, http.get("/"));
        Responses.assertStatus(200, http.post("/inc"));
        Set<String> names = LocalSystem.scrape().names();

        assertTrue(names.contains("http_server_request_duration_seconds_count"), "no HTTP metric in " + names);
        assertTrue(names.contains("threadpool_activeThreads"), "no thread pool metric in " + names);
        List<String> repeated = names.stream()
                .filter(name -> name.startsWith("servlet_") || name.startsWith("REST_") || name.startsWith("session_"))
                .toList();
        assertEquals(List.of(), repeated, "statistics that repeat the HTTP metric are exported again");
    }

    @Test
    void noMetricCarriesTheRedisPassword() {
        LocalSystem.redis().master().stop();
        try {
            await("the outage to show").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> http.post("/inc").statusCode() == 503);
            http.get("/");
            assertFalse(PASSWORD == null || PASSWORD.isEmpty(), "the test server must run with a password");
            assertFalse(LocalSystem.scrape().text().contains(PASSWORD), "a metric carries the Redis password");
        } finally {
            LocalSystem.redis().master().start();
        }
        LocalSystem.awaitReady();
        assertFalse(LocalSystem.scrape().text().contains(PASSWORD), "a metric carries the Redis password");
    }

    /** Nanoseconds that the increment breaker has spent in this state so far (a gauge that grows). */
    private static double timeInState(String state) {
        return LocalSystem.scrape().sum(BREAKER_STATE, "method", INCREMENT_METHOD, "state", state);
    }

    /** Whether the breaker is in this state now: its time in the state grows between two scrapes. */
    private static boolean growing(String state) throws InterruptedException {
        double first = timeInState(state);
        Thread.sleep(100);
        return timeInState(state) > first;
    }
}
