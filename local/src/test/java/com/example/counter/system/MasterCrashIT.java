package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.client.CounterClient;
import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.Responses;

/**
 * The master is killed (SIGKILL) under a steady stream of reads and increments, then restarted
 * from its append-only file.
 */
@ExtendWith(LocalSystem.class)
class MasterCrashIT {

    /** counter.redis.timeout of the test server is 1 s: a failure answers within about twice that. */
    private static final Duration FAILURE_BOUND = Duration.ofMillis(2 * 1000 + 1000);

    @Test
    void readsContinueIncrementsFailOnlyWith503AndNoAcknowledgedIncrementIsLost() throws Exception {
        Http http = LocalSystem.http();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();

        try (Load load = new Load(8)) {
            load.repeat(4, () -> {
                HttpResponse<String> read = http.get("/");
                reads.incrementAndGet();
                if (read.statusCode() != 200) {
                    wrong.add("read answered " + read.statusCode() + " " + read.body());
                }
            });
            load.repeat(4, () -> {
                long start = System.nanoTime();
                HttpResponse<String> increment = http.post("/inc");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (increment.statusCode() == 200) {
                    if (!acknowledged.add(Long.parseLong(increment.body()))) {
                        wrong.add("the count " + increment.body() + " was handed out twice");
                    }
                } else if (increment.statusCode() == 503 && took.compareTo(FAILURE_BOUND) < 0) {
                    refused.incrementAndGet();
                } else {
                    wrong.add("increment answered " + increment.statusCode() + " after " + took.toMillis() + " ms");
                }
            });

            await("some increments before the crash").atMost(Duration.ofSeconds(10))
                    .until(() -> acknowledged.size() > 50);
            LocalSystem.redis().master().kill();
            int readsAtCrash = reads.get();
            await("reads during the outage").atMost(Duration.ofSeconds(10))
                    .until(() -> reads.get() > readsAtCrash + 50);
            await("increments refused during the outage").atMost(Duration.ofSeconds(10)).until(() -> refused.get() > 0);

            LocalSystem.redis().master().start();
            int acknowledgedAtRestart = acknowledged.size();
            await("increments to succeed again").atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledged.size() > acknowledgedAtRestart + 50);
            load.stop(Duration.ofSeconds(30));
        }

        assertEquals(List.of(), wrong, "reads must keep working; increments may only fail with a quick 503");
        long max = Collections.max(acknowledged);
        assertTrue(LocalSystem.storedCount() >= max,
                "the master restarted below an acknowledged count: " + LocalSystem.storedCount() + " < " + max);
    }

    @Test
    void withIdempotencyKeysAndRetriesTheCountIsExactlyTheNumberOfKeys() throws Exception {
        long before = LocalSystem.storedCount();
        AtomicInteger done = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();

        try (Load load = new Load(8)) {
            load.repeat(8, () -> {
                try (CounterClient counter = LocalSystem.client()) {
                    counter.incrementExactlyOnce();
                    done.incrementAndGet();
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            await("some increments before the crash").atMost(Duration.ofSeconds(10)).until(() -> done.get() > 50);
            LocalSystem.redis().master().kill();
            await("web-inc to notice the outage").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> LocalSystem.management().get("/health/ready").statusCode() == 503);
            LocalSystem.redis().master().start();
            int doneAtRestart = done.get();
            await("increments to succeed again").atMost(Duration.ofSeconds(30))
                    .until(() -> done.get() > doneAtRestart + 50);
            load.stop(Duration.ofSeconds(60));
        }

        assertEquals(List.of(), failures, "every increment must succeed within its retries");
        assertEquals(before + done.get(), LocalSystem.storedCount(),
                "one increment per key, however often it was retried across the crash");
    }
}
