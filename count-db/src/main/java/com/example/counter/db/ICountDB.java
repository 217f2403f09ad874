package com.example.counter.db;

/**
 * The count, wherever it is kept: what the services depend on. Reads and writes may go to
 * different endpoints (CQRS), so a read can lag a write by the replication delay.
 *
 * <p>Every method may throw {@link CountDBUnavailableException} (or a Fault Tolerance exception:
 * timed out, circuit breaker open) when the store cannot answer now, and {@link CountDBException}
 * when it answered in a way a counter should never see.
 */
public interface ICountDB {

    /** The current count; 0 when nothing was ever counted. */
    long get();

    /** Adds one and returns the new count. */
    long increment();

    /**
     * Adds one unless an increment with this idempotency key was already made (within the key's
     * lifetime, {@code counter.idempotency.ttl}); then returns that increment's count again without
     * adding anything. Safe to retry, also concurrently. A name of its own, not an overload of
     * {@link #increment()}: Fault Tolerance names its metrics by method name, so two overloads
     * would share one breaker's metrics and hide the other's.
     */
    Increment incrementOnce(String idempotencyKey);
}
