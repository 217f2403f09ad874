package com.example.counter.db;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.HostAndPort;

/**
 * Where the count lives and how to reach it: every {@code counter.*} setting of this module, bound
 * by MicroProfile Config. The defaults are in {@code META-INF/microprofile-config.properties};
 * Kubernetes overrides them with environment variables ({@code COUNTER_REDIS_WRITE_URI}...).
 * Inject it with {@code @Inject @ConfigProperties CountDBConfig}.
 */
@ConfigProperties(prefix = "counter")
@Dependent
public class CountDBConfig {

    /**
     * The master: every increment goes here. In Sentinel mode only its scheme (TLS or not) and
     * database count: the sentinels say where the master is.
     */
    @ConfigProperty(name = "redis.write-uri")
    String writeUri;

    /** Empty: the master is the fixed write-uri. Set: the master the sentinels know by this name. */
    @ConfigProperty(name = "redis.sentinel.master-name")
    Optional<String> sentinelMasterName = Optional.empty();

    /** The sentinels to ask, {@code host:port,host:port,...}; required with a master name. */
    @ConfigProperty(name = "redis.sentinel.nodes")
    Optional<String> sentinelNodes = Optional.empty();

    /** The read endpoint (in Kubernetes, the Service over all Redis pods). */
    @ConfigProperty(name = "redis.read-uri")
    String readUri;

    /** Empty for no AUTH. Never logged: {@link #toString()} leaves it out. */
    @ConfigProperty(name = "redis.password")
    Optional<String> password = Optional.empty();

    /** Connect and socket timeout, the longest wait for a pooled connection, and a write's wait for its batch (ms). */
    @ConfigProperty(name = "redis.timeout")
    long timeoutMillis;

    @ConfigProperty(name = "redis.pool.max-total")
    int poolMaxTotal;

    @ConfigProperty(name = "redis.pool.min-idle")
    int poolMinIdle;

    /**
     * Whether values read from the read endpoint are kept in memory while Redis's client-side
     * caching (RESP3, CLIENT TRACKING) vouches that they have not changed.
     */
    @ConfigProperty(name = "redis.read-cache")
    boolean readCache;

    /** How long reads stay on the master after the read endpoint failed (ms). */
    @ConfigProperty(name = "redis.read-fallback-interval")
    long readFallbackMillis;

    /** Replicas that must acknowledge an increment (Redis WAIT) before it is answered. */
    @ConfigProperty(name = "redis.write.min-replicas")
    int writeMinReplicas;

    @ConfigProperty(name = "redis.write.wait-timeout")
    long writeWaitMillis;

    /** The Redis key that holds the count. */
    @ConfigProperty(name = "key")
    String key;

    /** How long an Idempotency-Key is remembered (s). */
    @ConfigProperty(name = "idempotency.ttl")
    long idempotencyTtlSeconds;

    /**
     * Fails, naming the property, on the first setting that makes no sense. Called once at start-up,
     * so a bad setting stops the deployment instead of failing requests.
     */
    public CountDBConfig validate() {
        write();
        read();
        Set<HostAndPort> sentinels = sentinels();
        require(sentinelMaster().isEmpty() || !sentinels.isEmpty(), "redis.sentinel.nodes", "",
                "must name the sentinels (host:port,host:port,...) when counter.redis.sentinel.master-name is set");
        require(timeoutMillis > 0, "redis.timeout", timeoutMillis, "must be a positive number of milliseconds");
        require(poolMaxTotal >= 1, "redis.pool.max-total", poolMaxTotal, "must be at least 1");
        require(poolMinIdle >= 0 && poolMinIdle <= poolMaxTotal, "redis.pool.min-idle", poolMinIdle,
                "must be between 0 and counter.redis.pool.max-total (" + poolMaxTotal + ")");
        require(readFallbackMillis > 0, "redis.read-fallback-interval", readFallbackMillis,
                "must be a positive number of milliseconds");
        require(writeMinReplicas >= 0, "redis.write.min-replicas", writeMinReplicas, "must not be negative");
        require(writeWaitMillis > 0, "redis.write.wait-timeout", writeWaitMillis,
                "must be a positive number of milliseconds");
        // Otherwise the socket times out before WAIT answers, and the outcome is unknown.
        require(writeMinReplicas == 0 || writeWaitMillis < timeoutMillis, "redis.write.wait-timeout", writeWaitMillis,
                "must be shorter than counter.redis.timeout (" + timeoutMillis + ")");
        require(key != null && !key.isBlank(), "key", key, "must not be empty");
        require(idempotencyTtlSeconds >= 1, "idempotency.ttl", idempotencyTtlSeconds, "must be at least one second");
        return this;
    }

    /** The form of every message about a bad setting: the property, its value, and what is wrong. */
    static IllegalArgumentException invalid(String property, Object value, String why) {
        return new IllegalArgumentException(property + " = " + value + ": " + why);
    }

    private static void require(boolean valid, String property, Object value, String why) {
        if (!valid) {
            throw invalid("counter." + property, value, why);
        }
    }

    public RedisEndpoint write() {
        return RedisEndpoint.parse("counter.redis.write-uri", writeUri);
    }

    public RedisEndpoint read() {
        return RedisEndpoint.parse("counter.redis.read-uri", readUri);
    }

    /** The name of the master the sentinels watch, when the sentinels say where the master is. */
    public Optional<String> sentinelMaster() {
        return sentinelMasterName.map(String::trim).filter(name -> !name.isEmpty());
    }

    /** The sentinels of {@code counter.redis.sentinel.nodes}, in the order given. */
    Set<HostAndPort> sentinels() {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        String value = sentinelNodes.orElse("");
        for (String node : value.split(",")) {
            if (!node.isBlank()) {
                nodes.add(sentinel(value, node.trim()));
            }
        }
        return nodes;
    }

    private static HostAndPort sentinel(String value, String node) {
        int colon = node.lastIndexOf(':');
        String why = "'" + node + "' is not host:port";
        require(colon > 0 && colon < node.length() - 1, "redis.sentinel.nodes", value, why);
        int port;
        try {
            port = Integer.parseInt(node.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid("counter.redis.sentinel.nodes", value, why);
        }
        require(port >= 1 && port <= 65535, "redis.sentinel.nodes", value, "'" + node + "': the port must be 1-65535");
        return new HostAndPort(node.substring(0, colon), port);
    }

    String password() {
        return password.orElse("");
    }

    Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    Duration readFallbackInterval() {
        return Duration.ofMillis(readFallbackMillis);
    }

    @Override
    public String toString() {
        String writes = sentinelMaster()
                .map(name -> "sentinel master '" + name + "' via " + sentinels())
                .orElseGet(() -> write().toString());
        return "write=" + writes + ", read=" + read() + ", auth=" + (password().isEmpty() ? "none" : "password")
                + ", timeout=" + timeoutMillis + "ms, pool=" + poolMinIdle + ".." + poolMaxTotal
                + ", read-cache=" + (readCache ? "tracked" : "off") + ", read-fallback-interval=" + readFallbackMillis
                + "ms, write.min-replicas=" + writeMinReplicas
                + (writeMinReplicas > 0 ? " within " + writeWaitMillis + "ms" : "") + ", key=" + key;
    }
}
