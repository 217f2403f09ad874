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
}
