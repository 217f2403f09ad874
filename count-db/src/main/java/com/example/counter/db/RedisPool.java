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
import redis.clients.jedis.util.Pool;

/**
 * A long-lived, pooled Jedis client for one Redis endpoint, with explicit timeouts: a fixed server,
 * or (for writes in Sentinel mode) the master that the sentinels name ({@link SentinelMaster}).
 * Every Jedis failure leaves here as a {@link CountDBUnavailableException} (try again later) or a
 * {@link CountDBException} (bad data, a bug).
 */
public final class RedisPool implements AutoCloseable {

    /** Where the connections go: the client, its pool, and what to do when they fail. */
    interface Target extends AutoCloseable {

        /** The client; may throw {@link CountDBUnavailableException} when it cannot be had now. */
        UnifiedJedis client();

        /** The pool of {@link #client()}. */
        Pool<Connection> pool();

        /** The pool if the client is made, without making it (for gauges). */
        Optional<Pool<Connection>> currentPool();

        /** The server the connections go to now, if known. */
        Optional<RedisEndpoint> server();

        /** For messages and health data. */
        String describe();

        /** This server refused a write because it is no master (now): stop using its connections. */
        void forget();

        @Override
        void close();
    }

    /** One server at a fixed address (a Service name may still lead elsewhere after a reconnect). */
    private record Fixed(RedisEndpoint endpoint, RedisClient client) implements Target {

        @Override
        public Pool<Connection> pool() {
            return client.getPool();
        }

        @Override
        public Optional<Pool<Connection>> currentPool() {
            return Optional.of(client.getPool());
        }

        @Override
        public Optional<RedisEndpoint> server() {
            return Optional.of(endpoint);
        }

        @Override
        public String describe() {
            return endpoint.toString();
        }

        @Override
        public void forget() {
            client.getPool().clear();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private final Target target;
    private final RedisMonitor.Endpoint role;
    private final RedisMonitor monitor;
    private final Duration timeout;
    /** Null when reads from this endpoint are not cached. */
    private final TrackingCache cache;

    /** @param cached whether {@link #get} keeps values in memory under Redis's client-side caching */
    RedisPool(RedisEndpoint endpoint, CountDBConfig config, Duration timeout, RedisMonitor.Endpoint role,
            RedisMonitor monitor, boolean cached) {
        this.role = role;
        this.monitor = monitor;
        this.timeout = timeout;
        DefaultJedisClientConfig.Builder connection = connection(endpoint.tls(), config.password(), timeout)
                .database(endpoint.database());
        // No connection is opened here: the application starts even while Redis is down.
        this.target = new Fixed(endpoint, RedisClient.builder()
                .hostAndPort(endpoint.host(), endpoint.port())
                .clientConfig(connection.build())
                .poolConfig(pool(config, timeout))
                .build());
        this.cache = cached ? new TrackingCache(endpoint, connection.protocol(RedisProtocol.RESP3).build()) : null;
    }

    /**
     * The master that the sentinels of {@code counter.redis.sentinel.*} name, with the write-uri's
     * scheme and database and the same timeout, pool and password as a fixed master; the sentinels
     * take the same password. Asks no sentinel yet (see {@link SentinelMaster}).
     */
    static RedisPool sentinelMaster(CountDBConfig config, RedisMonitor monitor) {
        RedisEndpoint template = config.write();
        Duration timeout = config.timeout();
        return new RedisPool(new SentinelMaster(config,
                connection(template.tls(), config.password(), timeout).database(template.database()).build(),
                connection(template.tls(), config.password(), timeout).serverDefaultProtocol().build(),
                pool(config, timeout), template), timeout, RedisMonitor.Endpoint.WRITE, monitor);
    }

    private RedisPool(Target target, Duration timeout, RedisMonitor.Endpoint role, RedisMonitor monitor) {
        this.target = target;
        this.role = role;
        this.monitor = monitor;
        this.timeout = timeout;
        this.cache = null;
    }

    private static DefaultJedisClientConfig.Builder connection(boolean tls, String password, Duration timeout) {
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder connection = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("counter");
        if (tls) {
            connection.sslOptions(SslOptions.defaults());
        }
        if (!password.isEmpty()) {
            connection.password(password);
        }
        return connection;
    }

    private static ConnectionPoolConfig pool(CountDBConfig config, Duration timeout) {
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
        return pool;
    }

    /**
     * Where commands go now, for messages and health data: the fixed server, or the master the
     * sentinels named last (with the master's name).
     */
    public String endpoint() {
        return target.describe();
    }

    /**
     * Runs a command on a pooled connection. The operation (GET, INCR, ...) names it in metrics and
     * traces.
     */
    public <T> T call(String operation, Function<UnifiedJedis, T> command) {
        return timed(operation, () -> {
            try {
                return command.apply(target.client());
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
                UnifiedJedis client = target.client();
                return cache == null ? client.get(key) : cache.get(key, client::get);
            } catch (JedisException e) {
                throw failure(e);
            }
        });
    }

    /**
     * A connection of the pool, for commands that must share one (a pipeline and its {@code WAIT}).
     * Closing it returns it to the pool, or destroys it if a failure broke it (or the pool was
     * replaced, after a failover, in the meantime).
     */
    Connection borrow() {
        return target.pool().getResource();
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
            monitor.commandCompleted(role, target.server().orElse(null), operation, System.nanoTime() - start, outcome);
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
        return target.currentPool().map(Pool::getNumActive).orElse(0);
    }

    /** Open connections waiting in the pool to be lent out. */
    public int idleConnections() {
        return target.currentPool().map(Pool::getNumIdle).orElse(0);
    }

    /** Threads waiting for a connection because all max-total are lent out. */
    public int waitingThreads() {
        return target.currentPool().map(Pool::getNumWaiters).orElse(0);
    }

    /**
     * Translates a failure. When the connection broke, also drops the idle connections: a restart
     * or network cut broke them all, and each would otherwise fail one more request. When the
     * server refused a write as no master ({@code READONLY}) or as a master cut off from its
     * replicas ({@code NOREPLICAS}), stops using it: see {@link #reconnect()}.
     */
    RuntimeException failure(JedisException e) {
        if (e instanceof JedisConnectionException) {
            target.currentPool().ifPresent(Pool::clear);
        } else if (RedisFailures.notAWritableMaster(e)) {
            reconnect();
        }
        return RedisFailures.translate(endpoint(), e);
    }

    /**
     * Drops the connections to a server that turned out not to be a writable master: the next
     * command connects again, in Sentinel mode to the master the sentinels name then.
     */
    public void reconnect() {
        target.forget();
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        target.close();
    }
}
