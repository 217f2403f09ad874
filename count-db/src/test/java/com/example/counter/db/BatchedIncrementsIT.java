package com.example.counter.db;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.counter.localredis.LocalRedis;

/**
 * Increments from many threads at once, which {@link PipelinedWriter} sends to the master in shared
 * pipelines, against a real master and replica (appendfsync always): each is counted exactly once,
 * and when the master dies mid-batch the increments in doubt fail as unavailable while every
 * acknowledged one survives the restart.
 */
class BatchedIncrementsIT {

    private static final String PASSWORD = "batch-it-password";
    /** The default: ample for 32 threads on a busy machine, so that only the crash refuses increments. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int THREADS = 32;
    private static LocalRedis redis;

    private String key;
    private ExecutorService threads;

    @BeforeAll
    static void startRedis() {
        Path dir = Path.of(System.getProperty("counter.test.redis.dir", "target/redis")).resolve("batches");
        redis = LocalRedis.start(dir, 16303, 16304, PASSWORD, List.of());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void setUp() {
        redis.master().start();
        redis.replica().start().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        key = "count-" + UUID.randomUUID();
        threads = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private CountDBConfig settings(int writeMinReplicas) {
        CountDBConfig config = Configs.of(redis.master().uri(), redis.replica().uri(), PASSWORD, TIMEOUT);
        config.key = key;
        config.writeMinReplicas = writeMinReplicas;
        return config.validate();
    }

    private static RedisCountDB db(RedisPools pools, CountDBConfig config) {
        return new RedisCountDB(config, pools, new ReadRoute(pools, config, RedisMonitor.NONE));
    }

    private long stored() {
        Object value = redis.master().call("GET", key);
        return value == null ? 0 : Long.parseLong((String) value);
    }

    /** Runs the body on every thread at once, each as often as given, and rethrows the first failure. */
    private void concurrently(int times, Consumer<Integer> body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            running.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < times; i++) {
                    body.accept(i);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> thread : running) {
            thread.get(2, TimeUnit.MINUTES);
        }
    }

    @Test
    void concurrentIncrementsEachGetTheirOwnCountAndAddUpExactly() throws Exception {
        int each = 250;
        Set<Long> answers = ConcurrentHashMap.newKeySet();
        try (RedisPools pools = new RedisPools(settings(0))) {
            RedisCountDB db = db(pools, settings(0));
            concurrently(each, i -> answers.add(db.increment()));

            long total = (long) THREADS * each;
            assertEquals(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toSet()), answers,
                    "every increment answers a count of its own, and together they are 1 to " + total);
            assertEquals(total, stored(), "the master holds exactly one increment per call");
            long writers = ((String) redis.master().call("CLIENT", "LIST")).lines()
                    .filter(client -> client.contains(" name=counter ")).count();
            assertEquals(1, writers, "the " + THREADS + " threads' increments shared one connection to the master");
        }
    }

    @Test
    void concurrentIdempotentIncrementsCountEachKeyOnce() throws Exception {
        int each = 50;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            keys.add("key-" + UUID.randomUUID());
        }
        Set<Long> fresh = ConcurrentHashMap.newKeySet();
        List<String> wrong = new CopyOnWriteArrayList<>();
        try (RedisPools pools = new RedisPools(settings(0))) {
            RedisCountDB db = db(pools, settings(0));
            // Every thread sends every key: 32 concurrent uses of each, in the same batches.
            concurrently(each, i -> {
                Increment increment = db.incrementOnce(keys.get(i));
                if (!increment.replayed() && !fresh.add(increment.count())) {
                    wrong.add("count " + increment.count() + " was made twice");
                }
            });
        }
        assertEquals(List.of(), wrong);
        assertEquals(each, fresh.size(), "one increment per key, however many threads sent it");
        assertEquals(each, stored());
    }

    @Test
    void withMinReplicasEveryAnsweredIncrementIsAlreadyOnTheReplica() throws Exception {
        List<String> wrong = new CopyOnWriteArrayList<>();
        try (RedisPools pools = new RedisPools(settings(1))) {
            RedisCountDB db = db(pools, settings(1));
            concurrently(20, i -> {
                long count = db.increment();
                long onReplica = Long.parseLong((String) redis.replica().call("GET", key));
                if (onReplica < count) {
                    wrong.add("count " + count + " was answered while the replica had only " + onReplica);
                }
            });
        }
        assertEquals(List.of(), wrong, "one WAIT per batch must cover every increment of the batch");
        assertEquals(THREADS * 20L, stored());
    }

    @Test
    void aMasterKilledMidBatchFailsOnlyTheIncrementsInDoubtAndLosesNoAcknowledgedOne() throws Exception {
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        try (RedisPools pools = new RedisPools(settings(0))) {
            RedisCountDB db = db(pools, settings(0));
            List<Future<?>> load = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                load.add(threads.submit(() -> {
                    while (running.get()) {
                        try {
                            if (!acknowledged.add(db.increment())) {
                                wrong.add("a count was handed out twice");
                            }
                        } catch (CountDBUnavailableException e) {
                            refused.incrementAndGet();
                            Thread.sleep(5);
                        } catch (RuntimeException e) {
                            wrong.add("an increment failed with " + e + " instead of being unavailable");
                        }
                    }
                    return null;
                }));
            }
            await("increments before the crash").atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() > 500);
            redis.master().kill();
            await("increments refused while the master is down").atMost(Duration.ofSeconds(30))
                    .until(() -> refused.get() > THREADS);
            redis.master().start();
            int atRestart = acknowledged.size();
            await("increments to succeed again").atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledged.size() > atRestart + 500);
            running.set(false);
            for (Future<?> thread : load) {
                thread.get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), wrong);
        long stored = stored();
        long highest = acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(stored >= highest, "the master restarted at " + stored + ", below the acknowledged count " + highest);
        // Counts run 1, 2, 3...: every acknowledged one is a distinct increment the master kept, and
        // the ones not acknowledged are those answered 503 (applied or not).
        assertTrue(stored - acknowledged.size() <= refused.get(), stored + " increments stored, "
                + acknowledged.size() + " acknowledged: more went unacknowledged than the " + refused.get() + " refused");
    }

    @Test
    void idempotentIncrementsRetriedAcrossAMasterCrashCountEachKeyOnce() throws Exception {
        AtomicInteger done = new AtomicInteger();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try (RedisPools pools = new RedisPools(settings(0))) {
            RedisCountDB db = db(pools, settings(0));
            List<Future<?>> load = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                load.add(threads.submit(() -> {
                    while (running.get()) {
                        String idempotencyKey = UUID.randomUUID().toString();
                        for (int attempt = 0;; attempt++) { // as a client retries after a 503, with the same key
                            try {
                                db.incrementOnce(idempotencyKey);
                                done.incrementAndGet();
                                break;
                            } catch (CountDBUnavailableException e) {
                                if (attempt == 1000) {
                                    wrong.add("no success in 1000 attempts: " + e);
                                    return null;
                                }
                                Thread.sleep(10);
                            }
                        }
                    }
                    return null;
                }));
            }
            await("increments before the crash").atMost(Duration.ofSeconds(30)).until(() -> done.get() > 300);
            redis.master().kill();
            redis.master().start();
            int atRestart = done.get();
            await("increments to succeed again").atMost(Duration.ofSeconds(30)).until(() -> done.get() > atRestart + 300);
            running.set(false);
            for (Future<?> thread : load) {
                thread.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(done.get(), stored(), "one increment per key, however often it was retried across the crash");
    }
}
