package com.example.counter.localredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRedisTest {

    @TempDir
    Path dir;

    @Test
    void replicaServesWhatTheMasterWroteAndRefusesWrites() {
        try (LocalRedis redis = LocalRedis.start(dir, 16291, 16292, "s3cret", List.of())) {
            redis.master().call("SET", "k", "42");
            redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));

            assertEquals("42", redis.replica().call("GET", "k"), "replica should serve the master's write");
            Resp.ErrorReply refused = assertThrows(Resp.ErrorReply.class, () -> redis.replica().call("SET", "k", "1"),
                    "a replica must be read-only");
            assertTrue(refused.getMessage().startsWith("READONLY"), refused.getMessage());
            assertEquals("slave", redis.replica().info("replication", "role").orElseThrow());
        }
    }

    @Test
    void passwordIsRequired() {
        try (LocalRedis redis = LocalRedis.start(dir, 16293, 16294, "s3cret", List.of())) {
            Resp.ErrorReply refused = assertThrows(Resp.ErrorReply.class,
                    () -> Resp.call(redis.master().port(), "", Duration.ofSeconds(1), "GET", "k"));
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
        }
    }

    @Test
    void aKilledMasterComesBackWithItsAppendOnlyFile() {
        try (LocalRedis redis = LocalRedis.start(dir, 16295, 16296, "", List.of())) {
            assertEquals(1L, redis.master().call("INCR", "n"));
            assertEquals(2L, redis.master().call("INCR", "n"));
            redis.master().kill();
            assertFalse(redis.master().isAlive(), "master should be dead after kill()");

            redis.master().start();
            assertEquals("2", redis.master().call("GET", "n"), "the AOF (fsynced on every write) should have kept both increments");
        }
    }
}
