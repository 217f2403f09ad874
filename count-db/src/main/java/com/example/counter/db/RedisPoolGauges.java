package com.example.counter.db;

import java.util.function.ToIntFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The state of the Redis clients as gauges, read at each scrape: connections active and idle and
 * threads waiting, per pool ({@code endpoint="read"} or {@code "write"}). The gauges hold the pools
 * themselves, not CDI proxies, which the scrape's thread could not use.
 */
@ApplicationScoped
public class RedisPoolGauges {

    @Inject
    MetricRegistry registry;

    @Inject
    RedisPools pools;

    void register(@Observes Startup startup) {
        for (RedisPool pool : new RedisPool[] {pools.master(), pools.readEndpoint()}) {
            gauge(pool, "counter.redis.pool.active.connections", "Connections lent out", RedisPool::activeConnections);
            gauge(pool, "counter.redis.pool.idle.connections", "Open connections waiting in the pool",
                    RedisPool::idleConnections);
            gauge(pool, "counter.redis.pool.waiting.threads", "Threads waiting for a connection (the pool is exhausted)",
                    RedisPool::waitingThreads);
        }
    }

    private void gauge(RedisPool pool, String name, String description, ToIntFunction<RedisPool> value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(),
                pool, p -> value.applyAsInt(p), new Tag("endpoint", pool.role().label()));
    }
}
