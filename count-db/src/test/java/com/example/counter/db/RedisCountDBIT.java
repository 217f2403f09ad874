package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.counter.localredis.LocalRedis;

/** {@link RedisCountDB} against a real master and replica (Fault Tolerance is the container's, and the ITs of the services test it). */
class RedisCountDBIT {

    private static final String PASSWORD = "it-password";
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static LocalRedis redis;

    private RedisPools connections;
    /** The read route of the last {@link #db} made. */
    private ReadRoute reads;
    private String key;

    @BeforeAll
    static void startRedis() {
        Path dir = Path.of(System.getProperty("counter.test.redis.dir", "target/redis"));
        redis = LocalRedis.start(dir, 16301, 16302, PASSWORD, List.of());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void connect() {
        // Every test restarts what it stops, but make sure it finds both nodes up.
        redis.master().start();
        redis.replica().start().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        key = "count-" + UUID.randomUUID();
        connections = new RedisPools(settings(PASSWORD));
    }

    @AfterEach
    void disconnect() {
        connections.close();
    }

    private CountDBConfig settings(String password) {
        return settings(password, 0);
    }

    private CountDBConfig settings(String password, int writeMinReplicas) {
        CountDBConfig config = Configs.of(redis.master().uri(), redis.replica().uri(), password, TIMEOUT);
        config.writeMinReplicas = writeMinReplicas;
        config.key = key;
        return config.validate();
    }

    /** Every read asks Redis through the pools: for the tests of how the pools handle a failing replica. */
    private RedisCountDB uncachedDb() {
        CountDBConfig config = settings(PASSWORD);
        config.readCache = false;
        connections.close();
        connections = new RedisPools(config);
        return db(connections, config);
    }

    private RedisCountDB db(RedisPools pools) {
        return db(pools, settings(PASSWORD));
    }

    private RedisCountDB db(RedisPools pools, CountDBConfig config) {
        reads = new ReadRoute(pools, config, RedisMonitor.NONE);
        return new RedisCountDB(config, pools, reads);
    }

    @Test
    void aMissingKeyReadsAsZero() {
        assertEquals(0, db(connections).get());
    }

    @Test
    void incrementsGoToTheMasterAndReadsSeeThemOnTheReplica() {
        RedisCountDB db = db(connections);

        assertEquals(1, db.increment());
        assertEquals(2, db.increment());
        assertEquals(3, db.increment());

        assertEquals("3", redis.master().call("GET", key), "the master holds the increments");
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        assertEquals(3, db.get(), "the replica serves the count once it caught up");
        assertFalse(reads.fallingBack());
    }

    @Test
    void readsFallBackToTheMasterWhenTheReplicaIsDown() {
        RedisCountDB db = db(connections);
        db.increment();
        redis.replica().stop();
        try {
            assertEquals(1, db.get(), "the read should have been answered by the master");
            assertTrue(reads.fallingBack(), "reads should now go to the master");
            assertEquals(1, db.get(), "later reads keep working");
        } finally {
            redis.replica().start();
        }
    }

    @Test
    void aReadFallsBackWithinTheTimeoutWhenTheReplicaHangs() {
        RedisCountDB db = uncachedDb();
        db.increment();
        assertEquals(1, db.get(), "reads from the replica, leaving a pooled connection to it");
        redis.replica().freeze();
        try {
            long start = System.nanoTime();
            assertEquals(1, db.get(), "the master answers in the hung replica's place");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // The read endpoint gets half the timeout, so that the fallback fits in the whole of
            // it. Dropping the broken connection must cost nothing.
            assertTrue(took.compareTo(TIMEOUT) < 0, "the fallback read took " + took.toMillis() + " ms, not less than the "
                    + TIMEOUT.toMillis() + " ms timeout");
            assertTrue(reads.fallingBack());
        } finally {
            redis.replica().thaw();
        }
    }

    @Test
    void aReadRightAfterARedisRestartDoesNotFailOnAStaleConnection() {
        RedisCountDB db = uncachedDb();
        db.increment();
        assertEquals(1, db.get(), "reads from the replica, leaving a pooled connection to it");
        redis.replica().stop();
        redis.replica().start().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));

        assertEquals(1, db.get(), "the pooled connection died with the old process; the read must not");
        assertFalse(reads.fallingBack(), "and it was still served by the replica");
    }

    @Test
    void anUnreachableMasterIsUnavailableWithinTwiceTheTimeout() {
        RedisCountDB db = db(connections);
        redis.master().freeze();
        try {
            long start = System.nanoTime();
            assertThrows(CountDBUnavailableException.class, db::increment);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(TIMEOUT.multipliedBy(2).plusMillis(250)) < 0,
                    "failing took " + took.toMillis() + " ms, more than about twice the " + TIMEOUT.toMillis() + " ms timeout");
        } finally {
            redis.master().thaw();
        }
        // The timed-out INCR may still have been applied once the master woke up: a 503 means
        // "maybe", which is why clients retry only with an Idempotency-Key.
        Object stored = redis.master().call("GET", key);
        long before = stored == null ? 0 : Long.parseLong((String) stored);
        assertEquals(before + 1, db.increment(), "the same clients work again once the master answers");
    }

    @Test
    void aWrongPasswordIsUnavailableNotAServerError() {
        try (RedisPools wrong = new RedisPools(settings("not-the-password"))) {
            CountDBUnavailableException e = assertThrows(CountDBUnavailableException.class,
                    () -> db(wrong).increment());
            assertFalse(e.getMessage().contains("not-the-password"), "the password leaked into: " + e.getMessage());
        }
    }

    @Test
    void aKeyThatIsNotAnIntegerIsAServerError() {
        redis.master().call("SET", key, "many");
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        RedisCountDB db = db(connections);

        assertInstanceOf(CountDBException.class, assertThrows(RuntimeException.class, db::get));
        assertInstanceOf(CountDBException.class, assertThrows(RuntimeException.class, db::increment));
    }

    @Test
    void aReplicaAsTheWriteEndpointIsUnavailableNotAServerError() {
        CountDBConfig replicaAsMaster = Configs.of(redis.replica().uri(), redis.replica().uri(), PASSWORD, TIMEOUT);
        replicaAsMaster.key = key;
        try (RedisPools misconfigured = new RedisPools(replicaAsMaster)) {
            assertInstanceOf(CountDBUnavailableException.class,
                    assertThrows(RuntimeException.class, () -> db(misconfigured, replicaAsMaster).increment()),
                    "a READONLY refusal should be a 503, not a 500");
        }
    }

    @Test
    void anIdempotencyKeyIncrementsOnceAndThenReplaysTheSameCount() {
        RedisCountDB db = db(connections);
        String first = "first-" + UUID.randomUUID();

        assertEquals(new Increment(1, false), db.incrementOnce(first));
        assertEquals(new Increment(1, true), db.incrementOnce(first), "a retry replays the first answer");
        assertEquals(new Increment(2, false), db.incrementOnce("second-" + UUID.randomUUID()));
        assertEquals("2", redis.master().call("GET", key), "two keys, two increments");
    }

    @Test
    void idempotencyKeysExpire() {
        String once = "ttl-" + UUID.randomUUID();
        db(connections).incrementOnce(once);

        Object ttl = redis.master().call("TTL", key + ":idempotency:" + once);
        assertTrue((Long) ttl > 3500 && (Long) ttl <= 3600, "the key is remembered for the configured hour, TTL " + ttl);
    }

    @Test
    void fiftyConcurrentRetriesWithOneKeyIncrementOnce() throws Exception {
        RedisCountDB db = db(connections);
        String shared = "shared-" + UUID.randomUUID();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(50);
        try {
            java.util.List<java.util.concurrent.Future<Increment>> answers = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return db.incrementOnce(shared);
                }));
            }
            start.countDown();
            java.util.Set<Long> counts = new java.util.HashSet<>();
            int fresh = 0;
            for (var answer : answers) {
                Increment increment = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
                counts.add(increment.count());
                fresh += increment.replayed() ? 0 : 1;
            }
            assertEquals(java.util.Set.of(1L), counts, "all 50 answers carry the same count");
            assertEquals(1, fresh, "exactly one of them incremented");
            assertEquals("1", redis.master().call("GET", key));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theScriptIsSentAgainWhenRedisForgotIt() {
        RedisCountDB db = db(connections);
        db.incrementOnce("before-" + UUID.randomUUID());
        redis.master().call("SCRIPT", "FLUSH"); // what a restart does to the script cache

        assertEquals(new Increment(2, false), db.incrementOnce("after-" + UUID.randomUUID()));
    }

    @Test
    void withMinReplicasAWriteWaitsForTheReplica() {
        try (RedisPools durable = new RedisPools(settings(PASSWORD, 1))) {
            assertEquals(1, db(durable, settings(PASSWORD, 1)).increment());
            assertEquals("1", redis.replica().call("GET", key), "the replica has it when the answer comes");
        }
    }

    @Test
    void withMinReplicasAndNoReplicaTheWriteIsUnavailableButApplied() {
        try (RedisPools durable = new RedisPools(settings(PASSWORD, 1))) {
            redis.replica().stop();
            try {
                CountDBUnavailableException e = assertThrows(CountDBUnavailableException.class,
                        () -> db(durable, settings(PASSWORD, 1)).increment());
                assertTrue(e.getMessage().contains("0 of 1 replicas"), e.getMessage());
                assertEquals("1", redis.master().call("GET", key), "the master did apply it: the README says so");
            } finally {
                redis.replica().start();
            }
        }
    }

    @Test
    void afterTooFewAcknowledgementsARetryWithTheSameKeyCountsOnce() {
        String key = "durable-" + UUID.randomUUID();
        try (RedisPools durable = new RedisPools(settings(PASSWORD, 1))) {
            RedisCountDB db = db(durable, settings(PASSWORD, 1));
            redis.replica().stop();
            try {
                assertThrows(CountDBUnavailableException.class, () -> db.incrementOnce(key),
                        "no replica acknowledged: the answer is 503, though the master applied it");
            } finally {
                redis.replica().start().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
            }

            assertEquals(new Increment(1, true), db.incrementOnce(key), "the retry replays the first increment");
            assertEquals("1", redis.replica().call("GET", this.key), "and the replica has it");
        }
    }

    @Test
    void connectionsAreReturnedToThePools() {
        RedisCountDB db = db(connections);
        for (int i = 0; i < 50; i++) {
            db.increment();
            db.get();
        }
        assertEquals(0, connections.activeConnections(), "no connection should stay borrowed");
    }
}
