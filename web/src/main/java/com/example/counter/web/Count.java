package com.example.counter.web;

/** The JSON representation of the count: {@code {"count":3}}. */
public record Count(long count) {
}
