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

/** {@link JedisCountDB} against a real master and replica. */
class JedisCountDBIT {

    private static final String PASSWORD = "it-password";
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static LocalRedis redis;

    private RedisConnections connections;
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
        connections = new RedisConnections(settings(PASSWORD));
        key = "count-" + UUID.randomUUID();
    }

    @AfterEach
    void disconnect() {
        connections.close();
    }

    private static RedisSettings settings(String password) {
        return new RedisSettings(RedisEndpoint.parse("w", redis.master().uri()),
                RedisEndpoint.parse("r", redis.replica().uri()), password, TIMEOUT, 4, 0, Duration.ofSeconds(30));
    }

    @Test
    void aMissingKeyReadsAsZero() {
        assertEquals(0, new JedisCountDB(connections, key).get());
    }

    @Test
    void incrementsGoToTheMasterAndReadsSeeThemOnTheReplica() {
        JedisCountDB db = new JedisCountDB(connections, key);

        assertEquals(1, db.increment());
        assertEquals(2, db.increment());
        assertEquals(3, db.increment());

        assertEquals("3", redis.master().call("GET", key), "the master holds the increments");
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        assertEquals(3, db.get(), "the replica serves the count once it caught up");
        assertFalse(connections.readsFallingBack());
    }

    @Test
    void readsFallBackToTheMasterWhenTheReplicaIsDown() {
        JedisCountDB db = new JedisCountDB(connections, key);
        db.increment();
        redis.replica().stop();
        try {
            assertEquals(1, db.get(), "the read should have been answered by the master");
            assertTrue(connections.readsFallingBack(), "reads should now go to the master");
            assertEquals(1, db.get(), "later reads keep working");
        } finally {
            redis.replica().start();
        }
    }

    @Test
    void anUnreachableMasterIsUnavailableWithinTwiceTheTimeout() {
        JedisCountDB db = new JedisCountDB(connections, key);
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
        assertEquals(1, db.increment(), "the same clients work again once the master answers");
    }

    @Test
    void aWrongPasswordIsUnavailableNotAServerError() {
        try (RedisConnections wrong = new RedisConnections(settings("not-the-password"))) {
            CountDBUnavailableException e = assertThrows(CountDBUnavailableException.class,
                    () -> new JedisCountDB(wrong, key).increment());
            assertFalse(e.getMessage().contains("not-the-password"), "the password leaked into: " + e.getMessage());
        }
    }

    @Test
    void aKeyThatIsNotAnIntegerIsAServerError() {
        redis.master().call("SET", key, "many");
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        JedisCountDB db = new JedisCountDB(connections, key);

        assertInstanceOf(CountDBException.class, assertThrows(RuntimeException.class, db::get));
        assertInstanceOf(CountDBException.class, assertThrows(RuntimeException.class, db::increment));
    }

    @Test
    void writeRoleTellsAMasterFromAReplica() {
        assertEquals("master", connections.writeRole());
        RedisSettings replicaAsMaster = new RedisSettings(RedisEndpoint.parse("w", redis.replica().uri()),
                RedisEndpoint.parse("r", redis.replica().uri()), PASSWORD, TIMEOUT, 1, 0, Duration.ofSeconds(1));
        try (RedisConnections misconfigured = new RedisConnections(replicaAsMaster)) {
            assertEquals("slave", misconfigured.writeRole());
            assertInstanceOf(CountDBUnavailableException.class,
                    assertThrows(RuntimeException.class, () -> new JedisCountDB(misconfigured, key).increment()),
                    "a READONLY refusal should be a 503, not a 500");
        }
    }

    @Test
    void connectionsAreReturnedToThePools() {
        JedisCountDB db = new JedisCountDB(connections, key);
        for (int i = 0; i < 50; i++) {
            db.increment();
            db.get();
        }
        assertEquals(0, connections.activeConnections(), "no connection should stay borrowed");
    }
}
