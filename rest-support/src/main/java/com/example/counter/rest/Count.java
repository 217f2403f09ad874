package com.example.counter.rest;

/**
 * The count as both services return it: {@code {"count":3}} in JSON, {@code 3} in plain text
 * ({@link CountTextWriter}).
 */
public record Count(long count) {

    /*
     * The media types of a resource method that returns a Count. The qs factors make plain text win
     * when a client accepts anything (curl's * / *), as in the original tutorial.
     */
    public static final String TEXT = "text/plain;qs=1;charset=utf-8";
    public static final String JSON = "application/json;qs=0.9";
}
