package com.example.counter.localredis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * One command to a local redis-server, by name, over a Jedis connection of its own: this drives and
 * inspects the processes the tests start, it is not a data path, so there is no pool.
 */
public final class RedisCommand {

    private RedisCommand() {
    }

    /**
     * Sends one command (after AUTH when there is a password) and returns its reply as plain Java: a
     * String for simple and bulk strings, a Long for integers, a List of these for arrays, null for
     * nil. An error reply is thrown as {@link JedisDataException} with Redis' error line as its
     * message (e.g. "READONLY ..."); no answer within {@code timeout} as a JedisConnectionException.
     */
    public static Object call(int port, String password, Duration timeout, String... command) {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), config(password, timeout))) {
            return plain(jedis.sendCommand(named(command[0]), Arrays.copyOfRange(command, 1, command.length)));
        }
    }

    private static JedisClientConfig config(String password, Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                // null, not "": Jedis sends AUTH for any password it is given.
                .password(password == null || password.isEmpty() ? null : password)
                // No HELLO: replies keep their RESP2 shapes (INFO a string, CONFIG GET a flat list),
                // and a wrong password fails on AUTH as with redis-cli.
                .serverDefaultProtocol()
                // No CLIENT SETINFO either (Redis 6.2 does not know it): AUTH, the command, nothing else.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .build();
    }

    /** Any command by its name, including those Jedis has no method or enum constant for. */
    private static ProtocolCommand named(String name) {
        byte[] raw = SafeEncoder.encode(name);
        return () -> raw;
    }

    /** Jedis gives bulk and status replies as bytes; the callers compare Strings. */
    private static Object plain(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (reply instanceof List<?> items) {
            return items.stream().map(RedisCommand::plain).toList();
        }
        return reply;
    }
}
