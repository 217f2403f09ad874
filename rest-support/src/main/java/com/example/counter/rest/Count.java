package com.example.counter.rest;

/**
 * The count as both services return it: {@code {"count":3}} in JSON, {@code 3} in plain text
 * ({@link CountTextWriter}).
 */
public record Count(long count) {
}
