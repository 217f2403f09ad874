package com.example.counter.db;

import java.time.Duration;
import java.util.List;

import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The count as a Redis integer under one key: {@code INCR} (or the idempotent script) on the
 * master, {@code GET} from the read endpoint.
 */
public class JedisCountDB implements ICountDB {

    private final RedisConnections redis;
    private final String key;
    private final String idempotencyTtlSeconds;

    /**
     * @param idempotencyTtl how long an idempotency key is remembered
     */
    public JedisCountDB(RedisConnections redis, String key, Duration idempotencyTtl) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("counter.key must not be empty");
        }
        if (idempotencyTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("counter.idempotency.ttl must be at least one second");
        }
        this.redis = redis;
        this.key = key;
        this.idempotencyTtlSeconds = Long.toString(idempotencyTtl.toSeconds());
    }

    @Override
    public long get() {
        String value = redis.read(client -> client.get(key));
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CountDBException("Redis key '" + key + "' does not hold an integer", e);
        }
    }

    @Override
    public long increment() {
        return redis.writeDurably(jedis -> jedis.incr(key));
    }

    @Override
    public Increment increment(IdempotencyKey idempotencyKey) {
        List<String> keys = List.of(key, key + ":idempotency:" + idempotencyKey.value());
        List<String> args = List.of(idempotencyTtlSeconds);
        Object reply;
        try {
            reply = redis.writeDurably(jedis -> jedis.evalsha(IdempotentIncrementScript.SHA1, keys, args));
        } catch (CountDBException e) {
            if (!(e.getCause() instanceof JedisNoScriptException)) {
                throw e;
            }
            // A restarted or new master has an empty script cache; NOSCRIPT means nothing ran, so
            // sending the script itself is safe (and caches it again).
            reply = redis.writeDurably(jedis -> jedis.eval(IdempotentIncrementScript.SOURCE, keys, args));
        }
        List<?> result = (List<?>) reply;
        return new Increment((Long) result.get(0), ((Long) result.get(1)) == 1L);
    }
}
