package com.example.counter.rest;

/**
 * The representations of a {@link Count}. The {@code qs} factors make plain text win when a client
 * accepts anything ({@code curl}'s {@code *}{@code /*}), as in the original tutorial.
 */
public final class CountMediaTypes {

    public static final String TEXT = "text/plain;qs=1;charset=utf-8";
    public static final String JSON = "application/json;qs=0.9";

    private CountMediaTypes() {
    }
}
