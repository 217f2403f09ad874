package com.example.counter.db;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.util.Pool;

/**
 * The master that the sentinels know by {@code counter.redis.sentinel.master-name}: a Jedis
 * {@link RedisSentinelClient}, which asks the sentinels where the master is, keeps a pool of
 * connections to it, and on their {@code +switch-master} replaces that pool with one to the new
 * master (closing the old one, so a demoted master's connections are dropped as they come back;
 * Sentinel also closes the clients of a master it demotes, {@code CLIENT KILL}).
 *
 * <p>Made lazily, on first use, because making it asks the sentinels: the application must start,
 * and answer 503, while none answers. A use while it cannot be made fails at once as unavailable;
 * making it is tried again on a later use, never by two threads at once and at most once per
 * {@code max(1 s, counter.redis.timeout)}. A caller waits at most the timeout for an attempt under
 * way, so a black-holed sentinel holds up no request longer than a hung Redis would.
 *
 * <p>{@link #forget()} drops the client (after {@code READONLY} or {@code NOREPLICAS}: this
 * client's master no longer takes writes, and the sentinels may say so before or without a
 * {@code +switch-master} reaching it), so the next use asks the sentinels again.
 */
final class SentinelMaster implements RedisPool.Target {

    private static final Logger LOG = Logger.getLogger(SentinelMaster.class.getName());

    private final String name;
    private final Set<HostAndPort> sentinels;
    private final JedisClientConfig masterConfig;
    private final JedisClientConfig sentinelConfig;
    private final GenericObjectPoolConfig<Connection> poolConfig;
    private final RedisEndpoint template;
    private final Duration timeout;
    private final Duration retryInterval;

    /**
     * The client, made or being made; null before the first use and after {@link #forget()}.
     * Changed only under this object's lock; volatile for {@link #made()}, on every command's path.
     */
    private volatile CompletableFuture<RedisSentinelClient> client;
    /** The master last reported by {@link #server()}, kept so that each command does not make a new one. */
    private volatile RedisEndpoint lastServer;
    private Instant nextAttempt = Instant.MIN;
    private boolean closed;
    /** Whether the last attempt failed: only the first failure of a series is a warning in the log. */
    private volatile boolean failing;

    /**
     * @param template the write-uri: its scheme and database apply to the master, its host and
     *     port are replaced by the master's
     */
    SentinelMaster(CountDBConfig config, JedisClientConfig masterConfig, JedisClientConfig sentinelConfig,
            GenericObjectPoolConfig<Connection> poolConfig, RedisEndpoint template) {
        this.name = config.sentinelMaster().orElseThrow();
        this.sentinels = config.sentinels();
        this.masterConfig = masterConfig;
        this.sentinelConfig = sentinelConfig;
        this.poolConfig = poolConfig;
        this.template = template;
        this.timeout = config.timeout();
        this.retryInterval = timeout.compareTo(Duration.ofSeconds(1)) > 0 ? timeout : Duration.ofSeconds(1);
    }

    @Override
    public RedisSentinelClient client() {
        CompletableFuture<RedisSentinelClient> attempt;
        synchronized (this) {
            if (closed) {
                throw new CountDBUnavailableException("The Redis client for " + describe() + " is closed", null);
            }
            if (client == null || client.isCompletedExceptionally()) {
                Instant now = Instant.now();
                if (now.isBefore(nextAttempt)) {
                    throw new CountDBUnavailableException("Not asking the sentinels " + sentinels + " for the master '"
                            + name + "' again before " + nextAttempt, client == null ? null : failure(client));
                }
                nextAttempt = now.plus(retryInterval);
                client = CompletableFuture.supplyAsync(this::connect, task -> {
                    Thread thread = new Thread(task, "counter-sentinel-connect");
                    thread.setDaemon(true);
                    thread.start();
                });
            }
            attempt = client;
        }
        try {
            return attempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CountDBUnavailableException("No sentinel of " + sentinels + " named the master '" + name + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new CountDBUnavailableException("No sentinel of " + sentinels + " named the master '" + name
                    + "' within " + timeout.toMillis() + "ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CountDBUnavailableException("Interrupted while asking the sentinels for '" + name + "'", e);
        }
    }

    /** Asks the sentinels (on its own thread): the Jedis client connects to them as it is made. */
    private RedisSentinelClient connect() {
        try {
            RedisSentinelClient made = RedisSentinelClient.builder()
                    .masterName(name)
                    .sentinels(sentinels)
                    .clientConfig(masterConfig)
                    .sentinelClientConfig(sentinelConfig)
                    .poolConfig(poolConfig)
                    // Listeners subscribe again to a sentinel that dropped them after Jedis's 5 s
                    // (each failure is a logged stack trace); each resubscription also asks where
                    // the master is, and a refused write does not wait for it (forget()).
                    .build();
            failing = false;
            LOG.info(() -> "Sentinels " + sentinels + " name " + made.getCurrentMaster() + " as the master '" + name + "'");
            return made;
        } catch (RuntimeException e) {
            LOG.log(failing ? Level.FINE : Level.WARNING,
                    "No sentinel of {0} named the master ''{1}'': {2}; writes answer 503 until one does",
                    new Object[] {sentinels, name, e.getMessage()});
            failing = true;
            throw e;
        }
    }

    private static Throwable failure(CompletableFuture<?> attempt) {
        try {
            attempt.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause();
        }
    }

    /** The client if it is made, without making it (for gauges and descriptions). */
    private Optional<RedisSentinelClient> made() {
        CompletableFuture<RedisSentinelClient> current = client;
        return current != null && current.isDone() && !current.isCompletedExceptionally()
                ? Optional.of(current.join()) : Optional.empty();
    }

    @Override
    public Pool<Connection> pool() {
        return client().getPrimaryNodesConnectionMap().values().iterator().next();
    }

    /** The pool to the master that the client follows now: it changes with every {@code +switch-master}. */
    @Override
    public Optional<Pool<Connection>> currentPool() {
        return made().flatMap(made -> made.getPrimaryNodesConnectionMap().values().stream().findFirst());
    }

    @Override
    public Optional<RedisEndpoint> server() {
        return made().map(RedisSentinelClient::getCurrentMaster).map(master -> {
            RedisEndpoint last = lastServer;
            if (last == null || last.port() != master.getPort() || !last.host().equals(master.getHost())) {
                last = new RedisEndpoint(master.getHost(), master.getPort(), template.database(), template.tls());
                lastServer = last;
            }
            return last;
        });
    }

    @Override
    public String describe() {
        return server().map(master -> master + " (sentinel master '" + name + "')")
                .orElse("sentinel master '" + name + "' (not yet named by " + sentinels + ")");
    }

    /**
     * Drops the client, its pool and its sentinel listeners; the next use asks the sentinels again
     * (within the rate limit). An attempt under way is kept: it is asking them now.
     */
    @Override
    public void forget() {
        RedisSentinelClient dropped;
        synchronized (this) {
            dropped = made().orElse(null);
            if (dropped == null) {
                return;
            }
            client = null;
        }
        LOG.info(() -> "The master " + dropped.getCurrentMaster() + " refused a write; asking the sentinels " + sentinels
                + " for '" + name + "' again");
        dropped.close();
    }

    @Override
    public void close() {
        CompletableFuture<RedisSentinelClient> last;
        synchronized (this) {
            closed = true;
            last = client;
            client = null;
        }
        if (last != null) {
            // Now, or when an attempt under way has made it.
            last.thenAccept(RedisSentinelClient::close);
        }
    }
}
