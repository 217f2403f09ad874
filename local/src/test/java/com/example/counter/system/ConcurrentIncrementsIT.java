package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.client.CounterClient;

/** Many clients at once: no increment lost, none doubled, no error. */
@ExtendWith(LocalSystem.class)
class ConcurrentIncrementsIT {

    private static final Logger LOG = Logger.getLogger(ConcurrentIncrementsIT.class.getName());
    private static final int CLIENTS = 64;
    private static final int INCREMENTS_EACH = 500;

    @Test
    void sixtyFourClientsTimesFiveHundredIncrementsAddExactly32000() throws Exception {
        Object stored = LocalSystem.redis().master().call("GET", "count");
        long before = stored == null ? 0 : Long.parseLong((String) stored);
        Set<Long> answers = ConcurrentHashMap.newKeySet();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    try (CounterClient counter = LocalSystem.client()) {
                        long previous = Long.MIN_VALUE;
                        for (int i = 0; i < INCREMENTS_EACH; i++) {
                            long value = counter.increment();
                            assertTrue(value > previous, "one client's counts must only go up");
                            previous = value;
                            answers.add(value);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(5, TimeUnit.MINUTES); // rethrows the first error any client saw
            }
        } finally {
            pool.shutdownNow();
        }

        int total = CLIENTS * INCREMENTS_EACH;
        double seconds = (System.nanoTime() - start) / 1e9;
        // A figure to watch, not a pass mark: a timed assertion would be flaky on a shared machine.
        LOG.info(() -> String.format("%d increments from %d clients in %.1f s: %.0f increments/s",
                total, CLIENTS, seconds, total / seconds));
        assertEquals(total, answers.size(), "every increment returns a count no other increment returned");
        assertEquals(before + total, (long) answers.stream().max(Long::compare).orElseThrow(),
                "the last count is exactly " + total + " more than before");
        await("the read side to show +" + total).atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> Long.parseLong(LocalSystem.http().get("/").body()) == before + total);
    }
}
