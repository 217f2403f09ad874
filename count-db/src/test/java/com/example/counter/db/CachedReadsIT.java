package com.example.counter.db;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.example.counter.localredis.LocalRedis;

/**
 * Reads from the replica kept in memory by {@link TrackingCache} (Redis's client-side caching),
 * against a real master and replica: served without asking Redis while nothing changed, and never
 * after Redis said it changed, the connection that would say so was dropped, or it went silent.
 */
class CachedReadsIT {

    private static final String PASSWORD = "cache-it-password";
    /** Long, so that the cache would trust a silent connection for 5 s: changes seen sooner were announced. */
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ANNOUNCED = Duration.ofSeconds(2);
    private static final Pattern CLIENT = Pattern.compile("^id=(\\d+) .* flags=(\\w+) ");
    private static LocalRedis redis;

    private String key;
    private RedisPools pools;
    private ReadRoute reads;
    private RedisCountDB db;

    @BeforeAll
    static void startRedis() {
        Path dir = Path.of(System.getProperty("counter.test.redis.dir", "target/redis")).resolve("cache");
        redis = LocalRedis.start(dir, 16305, 16306, PASSWORD, List.of());
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
    }

    @AfterEach
    void tearDown() {
        pools.close();
    }

    private void connect(Duration timeout) {
        CountDBConfig config = Configs.of(redis.master().uri(), redis.replica().uri(), PASSWORD, timeout);
        config.key = key;
        pools = new RedisPools(config.validate());
        reads = new ReadRoute(pools, config, RedisMonitor.NONE);
        db = new RedisCountDB(config, pools, reads);
    }

    /** The replica's connection with tracking on (flag t), if there is one. */
    private static Optional<String> trackingConnection() {
        return ((String) redis.replica().call("CLIENT", "LIST")).lines()
                .map(CLIENT::matcher)
                .filter(Matcher::find)
                .filter(client -> client.group(2).contains("t"))
                .map(client -> client.group(1))
                .findFirst();
    }

    /** How many GETs the replica has answered. */
    private static long getsOnReplica() {
        return ((String) redis.replica().call("INFO", "commandstats")).lines()
                .filter(line -> line.startsWith("cmdstat_get:"))
                .map(line -> Long.parseLong(line.replaceAll("^cmdstat_get:calls=(\\d+),.*$", "$1")))
                .findFirst()
                .orElse(0L);
    }

    /** Increments to 1 and reads it until the cache holds it, on a tracking connection to the replica. */
    private void countIsOneAndCached() {
        assertEquals(1, db.increment());
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        await("the tracking connection to the replica").atMost(Duration.ofSeconds(10))
                .until(() -> db.get() == 1 && trackingConnection().isPresent());
        assertEquals(1, db.get()); // read on the tracking connection: from now on in memory
    }

    @Test
    void repeatedReadsAreAnsweredFromMemory() {
        connect(LONG_TIMEOUT);
        countIsOneAndCached();

        long before = getsOnReplica();
        for (int i = 0; i < 1000; i++) {
            assertEquals(1, db.get());
        }
        // Without the cache that is 1000 GETs. With it, nearly none: CI once saw 5 on a busy
        // machine (not yet explained, see the closing note of issue 11), so the bound is 10.
        assertTrue(getsOnReplica() - before <= 10, "1000 reads of an unchanged count sent "
                + (getsOnReplica() - before) + " GETs to the replica");
    }

    @Test
    void anIncrementIsReadThroughTheCacheAsSoonAsTheReplicaHasIt() {
        connect(LONG_TIMEOUT);
        countIsOneAndCached();

        assertEquals(2, db.increment());
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        // Well within the 5 s for which the cache trusts a silent connection: only the replica's
        // invalidation can have shown the new count.
        await("the new count through the cache").atMost(ANNOUNCED).until(() -> db.get() == 2);

        long before = getsOnReplica();
        for (int i = 0; i < 100; i++) {
            assertEquals(2, db.get());
        }
        assertTrue(getsOnReplica() - before <= 1, "the new count is kept in memory again");
    }

    @Test
    void aDroppedTrackingConnectionTakesTheCachedValuesWithIt() {
        connect(LONG_TIMEOUT);
        countIsOneAndCached();
        String dropped = trackingConnection().orElseThrow();

        redis.replica().call("CLIENT", "KILL", "ID", dropped);
        // Changed behind the cache's back: nobody tracks the key any more, so nothing announces it.
        redis.master().call("INCR", key);
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));

        await("the new count after the tracking connection dropped").atMost(ANNOUNCED).until(() -> db.get() == 2);
        await("a new tracking connection").atMost(Duration.ofSeconds(10))
                .until(() -> trackingConnection().filter(id -> !id.equals(dropped)).isPresent());
    }

    @Test
    void aHungReplicaIsNotTrustedLongerThanAReadWouldWaitForIt() {
        Duration timeout = Duration.ofMillis(500); // reads from the replica wait 250 ms
        connect(timeout);
        countIsOneAndCached();

        redis.replica().freeze();
        try {
            assertEquals(2, db.increment(), "the master takes increments while the replica hangs");
            // From memory the replica's count (1) for at most the read timeout, then a read asks the
            // hung replica, gives up after the timeout and falls back to the master.
            await("the master's count").atMost(timeout.multipliedBy(4)).until(() -> db.get() == 2);
            assertTrue(reads.fallingBack(), "reads fell back to the master");
        } finally {
            redis.replica().thaw();
        }
    }
}
