package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.Responses;

/** Failures must not leave Redis connections borrowed: the pools drain back to zero. */
@ExtendWith(LocalSystem.class)
class ConnectionLeakIT {

    private static final int REQUESTS = 10_000;

    /** Connections lent out by both pools of each service, from the readiness data. */
    private static int activeConnections() {
        JsonObject health = Responses.json(LocalSystem.management().get("/health/ready"));
        return health.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .mapToInt(check -> check.getJsonObject("data").getInt("pool-active"))
                .sum();
    }

    @Test
    void aBurstWithRedisKilledAndRestartedLeavesNoConnectionBorrowed() throws Exception {
        Http http = LocalSystem.http();
        AtomicInteger sent = new AtomicInteger();
        try (Load load = new Load(16)) {
            load.repeat(16, () -> {
                int n = sent.incrementAndGet();
                if (n <= REQUESTS) {
                    if (n % 2 == 0) {
                        http.get("/");
                    } else {
                        http.post("/inc");
                    }
                }
            });
            await("a third of the burst").atMost(Duration.ofSeconds(60)).until(() -> sent.get() > REQUESTS / 3);
            LocalSystem.redis().master().kill();
            LocalSystem.redis().replica().kill();
            await("two thirds of the burst").atMost(Duration.ofSeconds(60)).until(() -> sent.get() > 2 * REQUESTS / 3);
            LocalSystem.redis().master().start();
            LocalSystem.redis().replica().start();
            await("the whole burst").atMost(Duration.ofSeconds(120)).until(() -> sent.get() >= REQUESTS);
            load.stop(Duration.ofSeconds(60));
        }

        LocalSystem.awaitReady();
        await("the pools to have no connection lent out").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> activeConnections() == 0);
        long before = LocalSystem.storedCount();
        assertEquals(before + 1, Responses.count(http.post("/inc")), "later requests succeed");
    }
}
