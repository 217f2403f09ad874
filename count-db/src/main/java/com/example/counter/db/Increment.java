package com.example.counter.db;

/**
 * The outcome of an idempotent increment.
 *
 * @param count the count that the increment made
 * @param replayed true when the key had been used before and nothing was added this time
 */
public record Increment(long count, boolean replayed) {
}
