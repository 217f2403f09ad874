package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.Responses;

/** A master that hangs (SIGSTOP) rather than dies: the timeouts and the circuit breaker at work. */
@ExtendWith(LocalSystem.class)
class FrozenRedisIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1); // counter.redis.timeout of the test server

    private static Duration timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void firstTimeoutsThenFastFailuresThenRecoveryByItself() {
        Http http = LocalSystem.http();
        LocalSystem.redis().master().freeze();
        try {
            HttpResponse<String>[] last = new HttpResponse[1];
            Duration first = timed(() -> last[0] = http.post("/inc"));
            Responses.assertProblem(503, last[0]);
            assertTrue(first.compareTo(TIMEOUT.multipliedBy(2).plusMillis(500)) < 0,
                    "the first failure took " + first.toMillis() + " ms, more than about twice the timeout");

            // Once enough calls failed, the breaker opens and answers without waiting on Redis.
            await("the circuit breaker to open").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> timed(() -> last[0] = http.post("/inc")).toMillis() < 100);
            Responses.assertProblem(503, last[0]);
            assertTrue(last[0].headers().firstValue("Retry-After").isPresent(), "fast 503s still say when to retry");
            for (int i = 0; i < 10; i++) {
                Duration took = timed(() -> last[0] = http.post("/inc"));
                Responses.assertStatus(503, last[0]);
                assertTrue(took.toMillis() < 100, "with the breaker open, call " + i + " took " + took.toMillis() + " ms");
            }
            assertEquals(503, LocalSystem.management().get("/health/ready").statusCode(), "not ready while the breaker is open");
            assertEquals(200, LocalSystem.management().get("/health/live").statusCode(), "alive all the same: a restart would not help");
        } finally {
            LocalSystem.redis().master().thaw();
        }
        await("increments to work again without a restart").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> http.post("/inc").statusCode() == 200);
        LocalSystem.awaitReady();
    }
}
