package com.example.counter.db;

/**
 * The count, wherever it is kept. Reads and writes may go to different endpoints (CQRS): a read
 * can lag a write by the replication delay.
 */
public interface ICountDB {

    /** The current count; 0 when nothing was ever counted. */
    long get();

    /** Adds one and returns the new count. */
    long increment();

    /**
     * Adds one unless an increment with this idempotency key was already made (within the key's
     * lifetime); then returns that increment's count again without adding anything. Safe to
     * retry, also concurrently.
     */
    Increment increment(IdempotencyKey key);
}
