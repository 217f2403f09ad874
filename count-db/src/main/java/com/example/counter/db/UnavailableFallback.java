package com.example.counter.db;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * There is no useful stand-in for a count, so the fallback is a fast, explicit "unavailable"
 * (503 + Retry-After) whatever the cause: Redis down, too slow, or the breaker open.
 *
 * <p>Fault Tolerance accepts only a handler that itself implements {@code FallbackHandler<R>} for
 * the method's result type R, hence one small class per result type.
 */
public final class UnavailableFallback {

    private UnavailableFallback() {
    }

    /** For the methods that return a count. */
    @Dependent
    public static class ForCount implements FallbackHandler<Long> {

        @Inject
        CircuitBreakerState breaker;

        @Override
        public Long handle(ExecutionContext context) {
            throw unavailable(context.getFailure(), breaker);
        }
    }

    /** For {@link ICountDB#increment(IdempotencyKey)}. */
    @Dependent
    public static class ForIncrement implements FallbackHandler<Increment> {

        @Inject
        CircuitBreakerState breaker;

        @Override
        public Increment handle(ExecutionContext context) {
            throw unavailable(context.getFailure(), breaker);
        }
    }

    static CountDBUnavailableException unavailable(Throwable failure, CircuitBreakerState breaker) {
        if (failure instanceof CircuitBreakerOpenException) {
            breaker.refusedAsOpen();
            return new CountDBUnavailableException("Redis circuit breaker is open: failing fast", failure);
        }
        breaker.callFailed();
        if (failure instanceof CountDBUnavailableException unavailable) {
            return unavailable;
        }
        // @Fallback(applyOn) lets only the outages and timeouts through to here.
        return new CountDBUnavailableException("Redis did not answer within counter.redis.timeout", failure);
    }
}
