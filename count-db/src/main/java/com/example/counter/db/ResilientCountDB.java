package com.example.counter.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@link ICountDB} that applications inject: the Redis one, with timeouts, a circuit breaker
 * and a fast 503 fallback around every call ({@link GuardedRedisCalls}).
 */
@ApplicationScoped
public class ResilientCountDB implements ICountDB {

    @Inject
    GuardedRedisCalls calls;

    @Override
    public long get() {
        return calls.get();
    }

    @Override
    public long increment() {
        return calls.increment();
    }

    @Override
    public Increment increment(IdempotencyKey key) {
        return calls.increment(key);
    }
}
