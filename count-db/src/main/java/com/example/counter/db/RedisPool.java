package com.example.counter.db;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

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

    RedisPool(RedisEndpoint endpoint, CountDBConfig config, Duration timeout) {
        this.endpoint = endpoint;
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

    /** Runs a command on a pooled connection. */
    public <T> T call(Function<UnifiedJedis, T> command) {
        try {
            return command.apply(client);
        } catch (JedisException e) {
            throw failure(e);
        }
    }

    /**
     * Runs several commands on one connection, for those that must share it: {@code WAIT} counts
     * only the writes of its own connection. The connection goes back to the pool afterwards, or
     * is destroyed if a failure broke it.
     */
    public <T> T onOneConnection(Function<Jedis, T> commands) {
        try (Connection connection = client.getPool().getResource()) {
            return commands.apply(new Jedis(connection));
        } catch (JedisException e) {
            throw failure(e);
        }
    }

    /** PINGs the endpoint; why it failed, if it did. */
    public Optional<String> ping() {
        try {
            call(UnifiedJedis::ping);
            return Optional.empty();
        } catch (CountDBUnavailableException | CountDBException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Connections lent out right now: zero when idle, so a leak shows. */
    public int activeConnections() {
        return client.getPool().getNumActive();
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
