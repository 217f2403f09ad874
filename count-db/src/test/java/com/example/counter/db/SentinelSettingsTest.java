package com.example.counter.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.HostAndPort;

/** The settings {@code counter.redis.sentinel.*}: checked at start-up, with messages that name them. */
class SentinelSettingsTest {

    private static CountDBConfig settings(String masterName, String nodes) {
        CountDBConfig config = Configs.of("redis://redis-0:6379", "redis://redis:6379", "", Duration.ofSeconds(2));
        config.sentinelMasterName = Optional.ofNullable(masterName);
        config.sentinelNodes = Optional.ofNullable(nodes);
        return config;
    }

    @Test
    void withoutAMasterNameTheMasterIsTheWriteUri() {
        CountDBConfig config = settings(null, null).validate();
        assertEquals(Optional.empty(), config.sentinelMaster());
        assertTrue(config.toString().startsWith("write=redis://redis-0:6379,"), config.toString());
    }

    @Test
    void aBlankMasterNameIsNoMasterName() {
        assertEquals(Optional.empty(), settings("  ", null).validate().sentinelMaster());
    }

    @Test
    void aMasterNameWithSentinelsIsSentinelMode() {
        CountDBConfig config = settings("counter", " redis-0.redis-headless:26379, redis-1.redis-headless:26379 ,").validate();
        assertEquals(Optional.of("counter"), config.sentinelMaster());
        assertEquals(List.of(new HostAndPort("redis-0.redis-headless", 26379), new HostAndPort("redis-1.redis-headless", 26379)),
                List.copyOf(config.sentinels()));
        assertTrue(config.toString().startsWith(
                "write=sentinel master 'counter' via [redis-0.redis-headless:26379, redis-1.redis-headless:26379],"),
                config.toString());
    }

    @Test
    void aMasterNameNeedsSentinels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings("counter", "").validate());
        assertTrue(e.getMessage().startsWith("counter.redis.sentinel.nodes = : must name the sentinels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings("counter", null).validate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-0", "redis-0:", ":26379", "redis-0:sentinel", "redis-0:0", "redis-0:65536",
        "redis-0:26379,redis-1"})
    void everySentinelIsHostColonPort(String nodes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings("counter", nodes).validate());
        assertTrue(e.getMessage().startsWith("counter.redis.sentinel.nodes = " + nodes + ": "), e.getMessage());
    }
}
