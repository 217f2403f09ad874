package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisEndpointTest {

    @Test
    void parsesHostPortAndDatabase() {
        RedisEndpoint endpoint = RedisEndpoint.parse("p", "redis://redis-0.redis-headless:6380/2");
        assertEquals(new RedisEndpoint("redis-0.redis-headless", 6380, 2, false), endpoint);
    }

    @Test
    void defaultsToPort6379DatabaseZeroAndPlainText() {
        assertEquals(new RedisEndpoint("redis", 6379, 0, false), RedisEndpoint.parse("p", "redis://redis"));
        assertEquals(new RedisEndpoint("redis", 6379, 0, false), RedisEndpoint.parse("p", " redis://redis/ "));
    }

    @Test
    void redissMeansTls() {
        assertTrue(RedisEndpoint.parse("p", "rediss://cache.example.com:6380").tls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://redis:6379", "redis-0:6379", "redis://", "redis://redis/db", "redis://redis/-1",
        "not a uri"})
    void refusesWhatIsNotARedisUri(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisEndpoint.parse("counter.redis.write-uri", value));
        assertTrue(e.getMessage().startsWith("counter.redis.write-uri"), "the message names the property: " + e.getMessage());
    }

    @Test
    void refusesAPasswordInTheUriWithoutEchoingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisEndpoint.parse("counter.redis.read-uri", "redis://:hunter2@redis:6379"));
        assertFalse(e.getMessage().contains("hunter2"), "the password leaked into: " + e.getMessage());
        assertTrue(e.getMessage().contains("counter.redis.password"), e.getMessage());
    }

    @Test
    void toStringIsTheUriWithoutSecrets() {
        assertEquals("redis://redis:6379", RedisEndpoint.parse("p", "redis://redis").toString());
        assertEquals("rediss://r:1/3", RedisEndpoint.parse("p", "rediss://r:1/3").toString());
    }
}
