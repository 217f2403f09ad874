package com.example.counter.db;

/**
 * The count as a Redis integer under one key: {@code INCR} on the master, {@code GET} from the read
 * endpoint.
 */
public class JedisCountDB implements ICountDB {

    private final RedisConnections redis;
    private final String key;

    public JedisCountDB(RedisConnections redis, String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("counter.key must not be empty");
        }
        this.redis = redis;
        this.key = key;
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
        return redis.write(client -> client.incr(key));
    }
}
