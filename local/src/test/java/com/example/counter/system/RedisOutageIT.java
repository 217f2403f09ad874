package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.client.CounterClient;
import com.example.counter.client.CounterException;
import com.example.counter.testsupport.Responses;

/** What users see while a Redis node is down, and that the system recovers by itself. */
@ExtendWith(LocalSystem.class)
class RedisOutageIT {

    /** The status ("UP"/"DOWN") of one named check in /health/ready, which lists both services' checks. */
    private static String readinessOf(String check) {
        JsonObject health = Responses.json(LocalSystem.management().get("/health/ready"));
        return health.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getString("name").equals(check))
                .map(c -> c.getString("status"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check named " + check + " in " + health));
    }

    @Test
    void readsKeepWorkingWhenTheReplicaIsStopped() throws Exception {
        try (CounterClient counter = LocalSystem.client()) {
            long n = counter.increment();
            LocalSystem.redis().replica().stop();
            try {
                for (int i = 0; i < 5; i++) {
                    assertEquals(n, counter.count(), "read " + i + " with the replica stopped");
                }
                assertEquals(n + 1, counter.increment(), "increments do not need the replica");
            } finally {
                LocalSystem.redis().replica().start();
            }
        }
    }

    @Test
    void readsFallBackToTheMasterWithNoFailedRequestWhenTheReplicaIsKilled() throws Exception {
        var http = LocalSystem.http();
        java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        try (Load load = new Load(4)) {
            load.repeat(4, () -> {
                var read = http.get("/");
                reads.incrementAndGet();
                if (read.statusCode() != 200) {
                    failures.add(read.statusCode() + " " + read.body());
                }
            });
            await("reads before the crash").atMost(Duration.ofSeconds(10)).until(() -> reads.get() > 100);
            LocalSystem.redis().replica().kill();
            int atCrash = reads.get();
            await("reads after the crash").atMost(Duration.ofSeconds(10)).until(() -> reads.get() > atCrash + 200);
            load.stop(Duration.ofSeconds(30));
        }
        assertEquals(java.util.List.of(), failures, "no read may fail when the replica dies");
    }

    @Test
    void readsFallBackToTheMasterWhenTheReplicaHangs() {
        var http = LocalSystem.http();
        long stored = LocalSystem.storedCount();
        await("the replica to have the count").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> Long.parseLong(http.get("/").body()) == stored);
        LocalSystem.redis().replica().freeze();
        try {
            for (int i = 0; i < 20; i++) {
                var read = http.get("/");
                assertEquals(200, read.statusCode(), "read " + i + " with the replica hung: " + read.body());
                assertEquals(Long.toString(stored), read.body());
            }
            assertEquals("UP", readinessOf("redis-read"), "web stays ready, reading from the master");
        } finally {
            LocalSystem.redis().replica().thaw();
        }
    }

    @Test
    void webIncIsNotReadyAndAnswers503WhileTheMasterIsDownThenRecovers() throws Exception {
        try (CounterClient counter = LocalSystem.client()) {
            assertEquals("UP", readinessOf("redis-write"));
            LocalSystem.redis().master().stop();
            try {
                await("web-inc readiness to go DOWN").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> "DOWN".equals(readinessOf("redis-write")));

                CounterException refused = assertThrows(CounterException.class, counter::increment);
                assertEquals(503, refused.status(), refused.getMessage());
                assertTrue(refused.retryAfter().isPresent(), "a 503 carries Retry-After");

                HttpResponse<String> raw = LocalSystem.http().post("/inc");
                Responses.assertProblem(503, raw);
                assertTrue(raw.headers().firstValue("Retry-After").isPresent(), "Retry-After on the raw response");
            } finally {
                LocalSystem.redis().master().start();
            }
            await("web-inc readiness to be UP again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "UP".equals(readinessOf("redis-write")));
            long before = counter.count();
            assertTrue(counter.increment() > before, "increments work again without a restart");
        }
    }
}
