package com.example.counter.db;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A long-lived, pooled Jedis client for one Redis endpoint, with explicit timeouts. Every Jedis
 * failure leaves here as a {@link CountDBUnavailableException} (try again later) or a
 * {@link CountDBException} (bad data, a bug).
 */
public final class RedisPool implements AutoCloseable {

    private final RedisEndpoint endpoint;
    private final RedisClient client;
    private final RedisMonitor.Endpoint role;
    private final RedisMonitor monitor;
    private final Duration timeout;
    /** Null when reads from this endpoint are not cached. */
    private final TrackingCache cache;

    /** @param cached whether {@link #get} keeps values in memory under Redis's client-side caching */
    RedisPool(RedisEndpoint endpoint, CountDBConfig config, Duration timeout, RedisMonitor.Endpoint role,
            RedisMonitor monitor, boolean cached) {
        this.endpoint = endpoint;
        this.role = role;
        this.monitor = monitor;
        this.timeout = timeout;
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder connection = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .database(endpoint.database())
                .clientName("counter");
        if (endpoint.tls()) {
            connection.sslOptions(SslOptions.defaults());
        }
        if (!config.password().isEmpty()) {
            connection.password(config.password());
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.poolMaxTotal);
        pool.setMaxIdle(config.poolMaxTotal);
        pool.setMinIdle(config.poolMinIdle);
        // Bounded wait for a free connection: with the connect timeout this keeps any request under
        // about twice counter.redis.timeout, whatever Redis does.
        pool.setMaxWait(timeout);
        pool.setBlockWhenExhausted(true);
        // No PING on borrow: against a hung Redis it would cost a timeout per idle connection.
        // Connections broken by a restart are dropped all at once instead (see failure()), and idle
        // ones are checked in the background.
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setJmxEnabled(false);
        // No connection is opened here: the application starts even while Redis is down.
        this.client = RedisClient.builder()
                .hostAndPort(endpoint.host(), endpoint.port())
                .clientConfig(connection.build())
                .poolConfig(pool)
                .build();
        this.cache = cached ? new TrackingCache(endpoint, connection.protocol(RedisProtocol.RESP3).build()) : null;
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Runs a command on a pooled connection. The operation (GET, INCR, ...) names it in metrics and
     * traces.
     */
    public <T> T call(String operation, Function<UnifiedJedis, T> command) {
        return timed(operation, () -> {
            try {
                return command.apply(client);
            } catch (JedisException e) {
                throw failure(e);
            }
        });
    }

    /**
     * {@code GET}: from memory when this endpoint's values are cached and Redis's tracking vouches
     * for the value ({@link TrackingCache}), otherwise from Redis. Null when there is no such key.
     */
    public String get(String key) {
        return timed("GET", () -> {
            try {
                return cache == null ? client.get(key) : cache.get(key, client::get);
            } catch (JedisException e) {
                throw failure(e);
            }
        });
    }

    /**
     * A connection of the pool, for commands that must share one (a pipeline and its {@code WAIT}).
     * Closing it returns it to the pool, or destroys it if a failure broke it.
     */
    Connection borrow() {
        return client.getPool().getResource();
    }

    /** Connect and socket timeout of this endpoint's connections. */
    Duration timeout() {
        return timeout;
    }

    /**
     * Reports how long a call took, the wait for a pooled connection included (that wait is part of
     * what a request pays), and how it ended.
     */
    <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        RedisMonitor.Outcome outcome = RedisMonitor.Outcome.ERROR;
        try {
            T result = call.get();
            outcome = RedisMonitor.Outcome.SUCCESS;
            return result;
        } catch (CountDBUnavailableException e) {
            outcome = RedisMonitor.Outcome.UNAVAILABLE;
            throw e;
        } finally {
            monitor.commandCompleted(role, operation, System.nanoTime() - start, outcome);
        }
    }

    /** PINGs the endpoint; why it failed, if it did. */
    public Optional<String> ping() {
        try {
            call("PING", UnifiedJedis::ping);
            return Optional.empty();
        } catch (CountDBUnavailableException | CountDBException e) {
            return Optional.of(e.getMessage());
        }
    }

    public RedisMonitor.Endpoint role() {
        return role;
    }

    /** Connections lent out right now: zero when idle, so a leak shows. */
    public int activeConnections() {
        return client.getPool().getNumActive();
    }

    /** Open connections waiting in the pool to be lent out. */
    public int idleConnections() {
        return client.getPool().getNumIdle();
    }

    /** Threads waiting for a connection because all max-total are lent out. */
    public int waitingThreads() {
        return client.getPool().getNumWaiters();
    }

    /**
     * Translates a failure; when the connection broke, also drops the idle connections: a restart
     * or network cut broke them all, and each would otherwise fail one more request.
     */
    RuntimeException failure(JedisException e) {
        if (e instanceof JedisConnectionException) {
            client.getPool().clear();
        }
        return RedisFailures.translate(endpoint, e);
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        client.close();
    }
}
