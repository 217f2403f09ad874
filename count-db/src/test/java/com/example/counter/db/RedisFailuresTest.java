package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

class RedisFailuresTest {

    private static final RedisEndpoint MASTER = new RedisEndpoint("redis-0", 6379, 0, false);

    @ParameterizedTest
    @ValueSource(strings = {"READONLY You can't write against a read only replica.",
        "LOADING Redis is loading the dataset in memory", "NOREPLICAS Not enough good replicas to write.",
        "MASTERDOWN Link with MASTER is down", "NOAUTH Authentication required.",
        "WRONGPASS invalid username-password pair"})
    void refusalsOfAHealthyRedisAreTransient(String reply) {
        assertInstanceOf(CountDBUnavailableException.class,
                RedisFailures.translate(MASTER, new JedisDataException(reply)), reply);
    }

    @Test
    void connectionFailuresAreTransient() {
        RuntimeException e = RedisFailures.translate(MASTER, new JedisConnectionException("Connection refused"));
        assertInstanceOf(CountDBUnavailableException.class, e);
        assertTrue(e.getMessage().contains("redis://redis-0:6379"), "names the endpoint: " + e.getMessage());
    }

    @Test
    void poolExhaustionIsTransient() {
        assertTrue(RedisFailures.isTransient(new JedisException("Could not get a resource from the pool")));
    }

    @Test
    void wrongTypeIsNotTransient() {
        RuntimeException e = RedisFailures.translate(MASTER,
                new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertInstanceOf(CountDBException.class, e);
        assertFalse(RedisFailures.isTransient(new JedisDataException("ERR value is not an integer or out of range")));
    }

    @Test
    void timeoutsAreFoundAsCauseOrSuppressed() {
        JedisConnectionException connectTimeout = new JedisConnectionException("Failed to connect to any host");
        connectTimeout.addSuppressed(new java.net.SocketTimeoutException("Connect timed out"));

        assertTrue(RedisFailures.timedOut(connectTimeout), "Jedis reports a connect timeout as suppressed");
        assertTrue(RedisFailures.timedOut(new JedisConnectionException(new java.net.SocketTimeoutException("Read timed out"))));
        assertFalse(RedisFailures.timedOut(new JedisConnectionException("Unexpected end of stream.")),
                "a connection that a restart closed is no timeout");
    }

    @Test
    void errorCodeIsTheFirstWord() {
        assertEquals("READONLY", RedisFailures.errorCode("READONLY You can't write"));
        assertEquals("OOPS", RedisFailures.errorCode("OOPS"));
        assertEquals("", RedisFailures.errorCode(null));
    }

    @Test
    void readOnlyAndNoReplicasSayTheServerIsNoWritableMasterNow() {
        assertTrue(RedisFailures.notAWritableMaster(new JedisDataException("READONLY You can't write against a read only replica.")));
        assertTrue(RedisFailures.notAWritableMaster(new JedisDataException("NOREPLICAS Not enough good replicas to write.")));
        assertFalse(RedisFailures.notAWritableMaster(new JedisDataException("LOADING Redis is loading the dataset in memory")));
        assertFalse(RedisFailures.notAWritableMaster(new JedisConnectionException("Connection refused")));
    }
}
