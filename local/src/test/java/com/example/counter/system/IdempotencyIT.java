package com.example.counter.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;

/** Retries that race each other with one Idempotency-Key count once. */
@ExtendWith(LocalSystem.class)
class IdempotencyIT {

    @Test
    void fiftyConcurrentRequestsWithOneKeyMoveTheCountByOneAndAllSeeTheSameValue() throws Exception {
        Http http = LocalSystem.http();
        String key = "\"" + UUID.randomUUID() + "\"";
        long before = LocalSystem.storedCount();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.send(http.request("/inc").header("Idempotency-Key", key)
                            .POST(HttpRequest.BodyPublishers.noBody()).build());
                }));
            }
            start.countDown();
            Set<String> bodies = new HashSet<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
                bodies.add(response.body());
            }
            assertEquals(Set.of(Long.toString(before + 1)), bodies, "all 50 answers carry the one new count");
            assertEquals(before + 1, LocalSystem.storedCount(), "the count moved by exactly one");
        } finally {
            pool.shutdownNow();
        }
    }
}
