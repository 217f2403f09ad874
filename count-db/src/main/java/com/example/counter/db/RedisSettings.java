package com.example.counter.db;

import java.time.Duration;

/**
 * How to reach Redis: the write endpoint (the master), the read endpoint (replicas behind a
 * Service), and the limits that keep a slow Redis from holding requests for long.
 *
 * @param password empty for no AUTH; kept out of {@link #toString()}
 * @param timeout connect and socket timeout, and the longest wait for a pooled connection
 * @param readFallbackInterval how long reads stay on the write endpoint after the read endpoint failed
 * @param writeMinReplicas replicas that must acknowledge a write (Redis {@code WAIT}) before it is
 *     answered as done; 0 answers as soon as the master has it
 * @param writeWaitTimeout how long to wait for those acknowledgements
 */
public record RedisSettings(
        RedisEndpoint write,
        RedisEndpoint read,
        String password,
        Duration timeout,
        int poolMaxTotal,
        int poolMinIdle,
        Duration readFallbackInterval,
        int writeMinReplicas,
        Duration writeWaitTimeout) {

    public RedisSettings {
        password = password == null ? "" : password;
        requirePositive("counter.redis.timeout", timeout);
        requirePositive("counter.redis.read-fallback-interval", readFallbackInterval);
        if (poolMaxTotal < 1) {
            throw new IllegalArgumentException("counter.redis.pool.max-total must be at least 1, not " + poolMaxTotal);
        }
        if (poolMinIdle < 0 || poolMinIdle > poolMaxTotal) {
            throw new IllegalArgumentException("counter.redis.pool.min-idle must be between 0 and "
                    + "counter.redis.pool.max-total (" + poolMaxTotal + "), not " + poolMinIdle);
        }
        if (writeMinReplicas < 0) {
            throw new IllegalArgumentException("counter.redis.write.min-replicas must not be negative");
        }
        requirePositive("counter.redis.write.wait-timeout", writeWaitTimeout);
        if (writeMinReplicas > 0 && writeWaitTimeout.compareTo(timeout) >= 0) {
            // Otherwise the socket times out before WAIT answers, and the outcome is unknown.
            throw new IllegalArgumentException("counter.redis.write.wait-timeout (" + writeWaitTimeout.toMillis()
                    + "ms) must be shorter than counter.redis.timeout (" + timeout.toMillis() + "ms)");
        }
    }

    /** Settings with no replica acknowledgement: tests and tools. */
    public static RedisSettings of(RedisEndpoint write, RedisEndpoint read, String password, Duration timeout) {
        return new RedisSettings(write, read, password, timeout, 8, 0, Duration.ofSeconds(5), 0, timeout.dividedBy(2));
    }

    private static void requirePositive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive number of milliseconds, not " + value);
        }
    }

    public boolean authenticated() {
        return !password.isEmpty();
    }

    @Override
    public String toString() {
        return "write=" + write + ", read=" + read + ", auth=" + (authenticated() ? "password" : "none")
                + ", timeout=" + timeout.toMillis() + "ms, pool=" + poolMinIdle + ".." + poolMaxTotal
                + ", read-fallback-interval=" + readFallbackInterval.toMillis() + "ms"
                + ", write.min-replicas=" + writeMinReplicas
                + (writeMinReplicas > 0 ? " within " + writeWaitTimeout.toMillis() + "ms" : "");
    }
}
