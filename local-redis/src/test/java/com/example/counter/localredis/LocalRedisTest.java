package com.example.counter.localredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.exceptions.JedisDataException;

class LocalRedisTest {

    @TempDir
    Path dir;

    @Test
    void replicaServesWhatTheMasterWroteAndRefusesWrites() {
        try (LocalRedis redis = LocalRedis.start(dir, 16270, 16271, "s3cret", List.of())) {
            redis.master().call("SET", "k", "42");
            redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));

            assertEquals("42", redis.replica().call("GET", "k"), "replica should serve the master's write");
            JedisDataException refused = assertThrows(JedisDataException.class,
                    () -> redis.replica().call("SET", "k", "1"), "a replica must be read-only");
            assertTrue(refused.getMessage().startsWith("READONLY"), refused.getMessage());
            assertEquals("slave", redis.replica().info("replication", "role").orElseThrow());
        }
    }

    @Test
    void passwordIsRequired() {
        try (LocalRedis redis = LocalRedis.start(dir, 16272, 16273, "s3cret", List.of())) {
            JedisDataException refused = assertThrows(JedisDataException.class,
                    () -> RedisCommand.call(redis.master().port(), "", Duration.ofSeconds(1), "GET", "k"));
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
            JedisDataException wrong = assertThrows(JedisDataException.class,
                    () -> RedisCommand.call(redis.master().port(), "wrong", Duration.ofSeconds(1), "PING"));
            assertTrue(wrong.getMessage().startsWith("WRONGPASS"), wrong.getMessage());
        }
    }

    @Test
    void repliesComeAsPlainJavaTypes() {
        try (LocalRedis redis = LocalRedis.start(dir, 16276, 16277, "", List.of())) {
            RedisNode master = redis.master();
            assertEquals("OK", master.call("SET", "k", "caf\u00e9"), "a status reply");
            assertEquals("caf\u00e9", master.call("GET", "k"), "a bulk string, as UTF-8");
            assertEquals(1L, master.call("EXISTS", "k"), "an integer");
            assertNull(master.call("GET", "absent"), "nil");
            assertEquals(List.of("caf\u00e9", List.of(2L)), master.call("EVAL",
                    "return {redis.call('GET', KEYS[1]), {2}}", "1", "k"), "an array, nested");
            assertEquals(List.of(), master.call("KEYS", "nothing:*"), "an empty array");
        }
    }

    @Test
    void aKilledMasterComesBackWithItsAppendOnlyFile() {
        try (LocalRedis redis = LocalRedis.start(dir, 16274, 16275, "", List.of())) {
            assertEquals(1L, redis.master().call("INCR", "n"));
            assertEquals(2L, redis.master().call("INCR", "n"));
            redis.master().kill();
            assertFalse(redis.master().isAlive(), "master should be dead after kill()");

            redis.master().start();
            assertEquals("2", redis.master().call("GET", "n"), "the AOF (fsynced on every write) should have kept both increments");
        }
    }
}
