package com.example.counter.db;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the Redis settings, the pooled clients and {@link ICountDB} injectable. One set of clients
 * per application, created at start-up (so a bad setting stops the deployment with a clear
 * message) and closed when the application stops.
 */
@ApplicationScoped
public class CountDBProducer {

    @Produces
    @Singleton
    RedisSettings settings(
            @ConfigProperty(name = "counter.redis.write-uri") String writeUri,
            @ConfigProperty(name = "counter.redis.read-uri") String readUri,
            @ConfigProperty(name = "counter.redis.password") Optional<String> password,
            @ConfigProperty(name = "counter.redis.timeout") long timeoutMillis,
            @ConfigProperty(name = "counter.redis.pool.max-total") int poolMaxTotal,
            @ConfigProperty(name = "counter.redis.pool.min-idle") int poolMinIdle,
            @ConfigProperty(name = "counter.redis.read-fallback-interval") long readFallbackMillis,
            @ConfigProperty(name = "counter.redis.write.min-replicas") int writeMinReplicas,
            @ConfigProperty(name = "counter.redis.write.wait-timeout") long writeWaitMillis) {
        return new RedisSettings(
                RedisEndpoint.parse("counter.redis.write-uri", writeUri),
                RedisEndpoint.parse("counter.redis.read-uri", readUri),
                password.orElse(""),
                Duration.ofMillis(timeoutMillis),
                poolMaxTotal,
                poolMinIdle,
                Duration.ofMillis(readFallbackMillis),
                writeMinReplicas,
                Duration.ofMillis(writeWaitMillis));
    }

    @Produces
    @Singleton
    RedisConnections connections(RedisSettings settings) {
        return new RedisConnections(settings);
    }

    void close(@Disposes RedisConnections connections) {
        connections.close();
    }

    /** The bare Redis implementation; what applications inject is {@link ResilientCountDB}. */
    @Produces
    @Direct
    @Singleton
    ICountDB countDB(RedisConnections connections,
            @ConfigProperty(name = "counter.key") String key,
            @ConfigProperty(name = "counter.idempotency.ttl") long idempotencyTtlSeconds) {
        return new JedisCountDB(connections, key, Duration.ofSeconds(idempotencyTtlSeconds));
    }

    /**
     * Creates the clients and the count store while the application starts rather than on the
     * first request: a bad setting fails the deployment, with a message naming it.
     */
    void onStartup(@Observes Startup startup, @Direct ICountDB countDB) {
        // Resolving the parameter is the point: it validates the settings and logs them once.
    }
}
