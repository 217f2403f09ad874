package com.example.counter.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The count as a Redis integer under one key ({@code counter.key}): {@code GET} from the read
 * endpoint (kept in memory while Redis's client-side caching vouches for it, see
 * {@link TrackingCache}), {@code INCR} (or the idempotent script) on the master, in pipelined
 * batches with the increments of concurrent requests ({@link PipelinedWriter}). The master is
 * {@code counter.redis.write-uri}, or in Sentinel mode the one the sentinels name now
 * ({@link RedisPools}); while none answers, writes are unavailable like any other outage.
 *
 * <p>Every wait on Redis ends within the client's own timeout ({@code counter.redis.timeout}: the
 * connect, each socket read, the wait for a pooled connection, a write's wait for its batch) and
 * fails as unavailable. Fault Tolerance adds the one thing the client has not; its settings are in
 * microprofile-config.properties:
 * <ul>
 * <li>{@code @CircuitBreaker}: when 2 of the last 4 calls of a method failed, that method fails at
 * once (no thread waits on a dead Redis) for {@code counter.redis.circuit-breaker.delay}, then lets
 * a trial call through. Only outages count; bad data or a bug is no reason to stop calling.</li>
 * <li>No {@code @Timeout}: Fault Tolerance cannot interrupt a blocked socket read, so it bounded
 * nothing that the client's timeouts do not, and the timer it set and cancelled on every call cost
 * a fifth of a cached read's CPU (README, "The benchmark").</li>
 * <li>No {@code @Retry}: an increment that timed out may have been applied; only the client can
 * retry, with an Idempotency-Key. No {@code @Fallback}: there is no stand-in for a count. An outage
 * ({@link CountDBUnavailableException}, a timeout included) and an open breaker reach the HTTP
 * layer as they are, and it answers 503.</li>
 * </ul>
 */
@ApplicationScoped
@CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, successThreshold = 1,
        failOn = CountDBUnavailableException.class)
public class RedisCountDB implements ICountDB {

    private static final String SCRIPT = resource("idempotent-increment.lua");
    private static final String SCRIPT_SHA1 = sha1(SCRIPT);

    private RedisPools pools;
    private ReadRoute reads;
    private String key;
    private String idempotencyTtlSeconds;

    @Inject
    public RedisCountDB(@ConfigProperties CountDBConfig config, RedisPools pools, ReadRoute reads) {
        this.pools = pools;
        this.reads = reads;
        this.key = config.key;
        this.idempotencyTtlSeconds = Long.toString(config.idempotencyTtlSeconds);
    }

    /** For CDI's client proxy only. */
    protected RedisCountDB() {
    }

    @Override
    public long get() {
        String value = reads.read(endpoint -> endpoint.get(key));
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
        return write("INCR", pipeline -> pipeline.incr(key));
    }

    @Override
    public Increment incrementOnce(String idempotencyKey) {
        List<String> keys = List.of(key, key + ":idempotency:" + idempotencyKey);
        List<String> args = List.of(idempotencyTtlSeconds);
        Object reply;
        try {
            reply = write("EVALSHA", pipeline -> pipeline.evalsha(SCRIPT_SHA1, keys, args));
        } catch (CountDBException e) {
            if (!(e.getCause() instanceof JedisNoScriptException)) {
                throw e;
            }
            // A restarted or new master has an empty script cache; NOSCRIPT means nothing ran, so
            // sending the script itself is safe (and caches it again).
            reply = write("EVAL", pipeline -> pipeline.eval(SCRIPT, keys, args));
        }
        List<?> result = (List<?>) reply;
        return new Increment((Long) result.get(0), ((Long) result.get(1)) == 1L);
    }

    /**
     * Runs a write on the master, in a pipelined batch with those of concurrent requests (see
     * {@link PipelinedWriter}): answered once Redis applied it and, with
     * {@code counter.redis.write.min-replicas} above 0, once that many replicas have it. Never
     * retried: the write might have been applied.
     *
     * @throws CountDBUnavailableException also when too few replicas acknowledged in time: the
     *     master did apply the write then, so only an idempotent increment may be retried
     */
    private <T> T write(String operation, Function<Pipeline, Response<T>> command) {
        return pools.writes().write(operation, command);
    }

    private static String resource(String name) {
        try (InputStream in = RedisCountDB.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
