package com.example.counter.db;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
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

    RedisPool(RedisEndpoint endpoint, CountDBConfig config, Duration timeout, RedisMonitor.Endpoint role,
            RedisMonitor monitor) {
        this.endpoint = endpoint;
        this.role = role;
        this.monitor = monitor;
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
     * Runs several commands on one connection, for those that must share it: {@code WAIT} counts
     * only the writes of its own connection. The connection goes back to the pool afterwards, or
     * is destroyed if a failure broke it.
     */
    public <T> T onOneConnection(String operation, Function<Jedis, T> commands) {
        return timed(operation, () -> {
            try (Connection connection = client.getPool().getResource()) {
                return commands.apply(new Jedis(connection));
            } catch (JedisException e) {
                throw failure(e);
            }
        });
    }

    /**
     * Reports how long a call took, the wait for a pooled connection included (that wait is part of
     * what a request pays), and how it ended.
     */
    private <T> T timed(String operation, Supplier<T> call) {
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
    private RuntimeException failure(JedisException e) {
        if (e instanceof JedisConnectionException) {
            client.getPool().clear();
        }
        return RedisFailures.translate(endpoint, e);
    }

    @Override
    public void close() {
        client.close();
    }
}
