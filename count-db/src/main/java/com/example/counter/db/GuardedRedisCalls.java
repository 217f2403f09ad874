package com.example.counter.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The Redis calls behind MicroProfile Fault Tolerance. {@link ResilientCountDB} is their
 * {@link ICountDB} face; they live here because a fallback handler must match the method's result
 * type, and a primitive {@code long} matches none.
 *
 * <ul>
 * <li>{@code @Timeout}: no longer than the Jedis socket timeout ({@code counter.redis.timeout}, set
 * in microprofile-config.properties), since Fault Tolerance cannot interrupt a blocked socket read
 * and a longer one would never fire.</li>
 * <li>{@code @CircuitBreaker}: after repeated failures, calls fail at once (no thread waits on a
 * dead Redis) until a trial call succeeds again. Each method has its own breaker.</li>
 * <li>{@code @Fallback}: Redis down, too slow, or the breaker open all become a
 * {@link CountDBUnavailableException}, which the services answer with 503 and Retry-After. Anything
 * else (bad data, a bug) is no outage: it neither trips the breaker nor turns into a 503, and ends
 * as a 500.</li>
 * <li>No {@code @Retry}: an increment that timed out may have been applied; only the client can
 * retry, with an Idempotency-Key.</li>
 * </ul>
 */
@ApplicationScoped
@Timeout
@CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
        failOn = {CountDBUnavailableException.class, TimeoutException.class})
public class GuardedRedisCalls {

    @Inject
    @Direct
    ICountDB redis;

    @Inject
    CircuitBreakerState breaker;

    @Fallback(value = UnavailableFallback.ForCount.class, applyOn = {CountDBUnavailableException.class, TimeoutException.class,
            CircuitBreakerOpenException.class})
    public Long get() {
        long count = redis.get();
        breaker.callPassed();
        return count;
    }

    @Fallback(value = UnavailableFallback.ForCount.class, applyOn = {CountDBUnavailableException.class, TimeoutException.class,
            CircuitBreakerOpenException.class})
    public Long increment() {
        long count = redis.increment();
        breaker.callPassed();
        return count;
    }

    @Fallback(value = UnavailableFallback.ForIncrement.class, applyOn = {CountDBUnavailableException.class, TimeoutException.class,
            CircuitBreakerOpenException.class})
    public Increment increment(IdempotencyKey key) {
        Increment increment = redis.increment(key);
        breaker.callPassed();
        return increment;
    }
}
