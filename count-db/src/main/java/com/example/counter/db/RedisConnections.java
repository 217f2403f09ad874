package com.example.counter.db;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
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
        this(settings, Clock.systemUTC());
    }

    RedisConnections(RedisSettings settings, Clock clock) {
        this.settings = settings;
        this.writeClient = client(settings.write(), settings);
        this.readClient = client(settings.read(), settings);
        this.readRoute = new ReadRoute(settings.readFallbackInterval(), clock);
        LOG.info(() -> "Redis clients ready: " + settings);
    }

    private static RedisClient client(RedisEndpoint endpoint, RedisSettings settings) {
        int timeoutMillis = Math.toIntExact(settings.timeout().toMillis());
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
        pool.setMaxWait(settings.timeout());
        pool.setBlockWhenExhausted(true);
        // A PING before use weeds out connections that a Redis restart broke, so an INCR is not sent
        // on a dead socket whose fate (applied or not) nobody could tell afterwards.
        pool.setTestOnBorrow(true);
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
    public <T> T write(Function<UnifiedJedis, T> command) {
        try {
            return command.apply(writeClient);
        } catch (JedisException e) {
            throw RedisFailures.translate(settings.write(), e);
        }
    }

    /**
     * Runs a read-only command on the read endpoint, or on the write endpoint while the read
     * endpoint is failing.
     */
    public <T> T read(Function<UnifiedJedis, T> query) {
        if (readRoute.useReadEndpoint()) {
            try {
                T result = query.apply(readClient);
                readRoute.readEndpointSucceeded(settings.read());
                return result;
            } catch (JedisException e) {
                RuntimeException failure = RedisFailures.translate(settings.read(), e);
                if (!(failure instanceof CountDBUnavailableException)) {
                    throw failure;
                }
                readRoute.readEndpointFailed(settings.read(), settings.write(), failure);
            }
        }
        return write(query);
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

    private static Optional<String> ping(UnifiedJedis client, RedisEndpoint endpoint) {
        try {
            client.ping();
            return Optional.empty();
        } catch (JedisException e) {
            return Optional.of(RedisFailures.translate(endpoint, e).getMessage());
        }
    }

    /** The replication role ({@code master}, {@code slave}) of the write endpoint. */
    public String writeRole() {
        String info = write(client -> client.info("replication"));
        return info.lines()
                .filter(line -> line.startsWith("role:"))
                .map(line -> line.substring("role:".length()).trim())
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
