package com.example.counter.db;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

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
 * The application's two long-lived, pooled Redis clients: one for the write endpoint (commands)
 * and one for the read endpoint (queries). Every Jedis failure leaves here as a
 * {@link CountDBUnavailableException} or a {@link CountDBException}.
 */
public class RedisConnections implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisConnections.class.getName());

    private final RedisSettings settings;
    private final RedisClient writeClient;
    private final RedisClient readClient;
    private final ReadRoute readRoute;

    public RedisConnections(RedisSettings settings) {
        this.settings = settings;
        this.writeClient = client(settings.write(), settings, settings.timeout());
        // Half the time for the read endpoint, so that a read that falls back to the master after
        // the read endpoint hung still fits in counter.redis.timeout (and the Fault Tolerance timeout).
        this.readClient = client(settings.read(), settings, settings.timeout().dividedBy(2));
        this.readRoute = new ReadRoute(settings.readFallbackInterval(), Clock.systemUTC());
        LOG.info(() -> "Redis clients ready: " + settings);
    }

    private static RedisClient client(RedisEndpoint endpoint, RedisSettings settings, Duration timeout) {
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .database(endpoint.database())
                .clientName("counter");
        if (endpoint.tls()) {
            config.sslOptions(SslOptions.defaults());
        }
        if (settings.authenticated()) {
            config.password(settings.password());
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolMaxTotal());
        pool.setMaxIdle(settings.poolMaxTotal());
        pool.setMinIdle(settings.poolMinIdle());
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
        return RedisClient.builder()
                .hostAndPort(endpoint.host(), endpoint.port())
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    public RedisSettings settings() {
        return settings;
    }

    /** Runs a command on the master. Never retried: a write might have been applied. */
    <T> T write(Function<UnifiedJedis, T> command) {
        try {
            return command.apply(writeClient);
        } catch (JedisException e) {
            throw failure(writeClient, settings.write(), e);
        }
    }

    /**
     * Runs a command on the master and, when {@code counter.redis.write.min-replicas} is above 0,
     * {@code WAIT}s for that many replicas on the same connection (WAIT counts only the writes of
     * its own connection). Never retried.
     *
     * @throws CountDBUnavailableException also when too few replicas acknowledged in time: the
     *     master did apply the command then, so only an idempotent command may be retried
     */
    public <T> T writeDurably(Function<Jedis, T> command) {
        int minReplicas = settings.writeMinReplicas();
        // A pooled connection goes back to its pool on close, or is destroyed if a failure broke it.
        try (Connection connection = writeClient.getPool().getResource()) {
            Jedis jedis = new Jedis(connection);
            T value = command.apply(jedis);
            if (minReplicas > 0) {
                long acknowledged = jedis.waitReplicas(minReplicas, settings.writeWaitTimeout().toMillis());
                if (acknowledged < minReplicas) {
                    throw new CountDBUnavailableException("Redis at " + settings.write() + " applied the write but only "
                            + acknowledged + " of " + minReplicas + " replicas acknowledged it within "
                            + settings.writeWaitTimeout().toMillis() + "ms", null);
                }
            }
            return value;
        } catch (JedisException e) {
            throw failure(writeClient, settings.write(), e);
        }
    }

    /**
     * Runs a read-only command on the read endpoint, or on the write endpoint while the read
     * endpoint is failing.
     */
    public <T> T read(Function<UnifiedJedis, T> query) {
        if (readRoute.useReadEndpoint()) {
            try {
                T result = readOnce(readClient, settings.read(), query);
                readRoute.readEndpointSucceeded(settings.read());
                return result;
            } catch (CountDBUnavailableException e) {
                readRoute.readEndpointFailed(settings.read(), settings.write(), e);
            }
        }
        return readOnce(writeClient, settings.write(), query);
    }

    /**
     * A read, tried a second time when the first failed on a connection that a Redis restart had
     * closed: reads are safe to repeat. Not after a timeout, which would only double the wait.
     */
    private static <T> T readOnce(RedisClient client, RedisEndpoint endpoint, Function<UnifiedJedis, T> query) {
        try {
            return query.apply(client);
        } catch (JedisConnectionException e) {
            RuntimeException failure = failure(client, endpoint, e);
            if (RedisFailures.timedOut(e)) {
                throw failure;
            }
        } catch (JedisException e) {
            throw failure(client, endpoint, e);
        }
        try {
            return query.apply(client);
        } catch (JedisException e) {
            throw failure(client, endpoint, e);
        }
    }

    /**
     * Translates a failure; when the connection broke, also drops the pool's idle connections: a
     * restart or network cut broke them all, and each would otherwise fail one more request.
     */
    private static RuntimeException failure(RedisClient client, RedisEndpoint endpoint, JedisException e) {
        if (e instanceof JedisConnectionException) {
            client.getPool().clear();
        }
        return RedisFailures.translate(endpoint, e);
    }

    /** Whether reads are currently served by the write endpoint because the read endpoint failed. */
    public boolean readsFallingBack() {
        return readRoute.fallingBack();
    }

    /** PINGs the read endpoint; the reason it failed, if it did. */
    public Optional<String> pingRead() {
        return ping(readClient, settings.read());
    }

    /** PINGs the write endpoint; the reason it failed, if it did. */
    public Optional<String> pingWrite() {
        return ping(writeClient, settings.write());
    }

    private static Optional<String> ping(RedisClient client, RedisEndpoint endpoint) {
        try {
            client.ping();
            return Optional.empty();
        } catch (JedisException e) {
            return Optional.of(failure(client, endpoint, e).getMessage());
        }
    }

    /**
     * Why the write endpoint cannot take increments right now, if it cannot: not a master (a
     * replica refuses writes with READONLY), or still loading its data after a restart (LOADING).
     */
    public Optional<String> writeRefusal() {
        String info = write(client -> client.info());
        String role = infoField(info, "role");
        if (!"master".equals(role)) {
            return Optional.of("the write endpoint is a " + role + ", not a master");
        }
        if ("1".equals(infoField(info, "loading"))) {
            return Optional.of("the write endpoint is still loading its data");
        }
        return Optional.empty();
    }

    private static String infoField(String info, String field) {
        return info.lines()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).trim())
                .findFirst()
                .orElse("unknown");
    }

    /** Connections currently lent out, by the write and read pools together: zero when idle. */
    public int activeConnections() {
        return writeClient.getPool().getNumActive() + readClient.getPool().getNumActive();
    }

    @Override
    public void close() {
        readClient.close();
        writeClient.close();
        LOG.info("Redis clients closed");
    }
}
