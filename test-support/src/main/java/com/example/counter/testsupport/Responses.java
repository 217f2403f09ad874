package com.example.counter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.net.http.HttpResponse;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;

/** Assertions on what a client sees in a response. */
public final class Responses {

    private Responses() {
    }

    public static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    public static JsonObject json(HttpResponse<String> response) {
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        } catch (JsonException e) {
            return fail("not a JSON object: " + response.body(), e);
        }
    }

    public static void assertStatus(int expected, HttpResponse<String> response) {
        assertEquals(expected, response.statusCode(),
                () -> response.request().method() + " " + response.request().uri() + " answered " + response.body());
    }

    public static void assertContentType(String expected, HttpResponse<String> response) {
        assertTrue(contentType(response).startsWith(expected),
                () -> "expected " + expected + " but the Content-Type was '" + contentType(response) + "'");
    }

    /** An RFC 9457 problem with this status, and nothing in it that a client should not see. */
    public static JsonObject assertProblem(int status, HttpResponse<String> response) {
        assertStatus(status, response);
        assertContentType("application/problem+json", response);
        JsonObject problem = json(response);
        assertEquals(status, problem.getInt("status", -1), () -> "the problem's status: " + response.body());
        assertFalse(problem.getString("title", "").isBlank(), () -> "a problem has a title: " + response.body());
        String body = response.body();
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("at com."),
                () -> "exception text or a stack trace leaked into: " + body);
        return problem;
    }

    /** The body of a plain-text count, as a number. */
    public static long count(HttpResponse<String> response) {
        assertStatus(200, response);
        try {
            return Long.parseLong(response.body());
        } catch (NumberFormatException e) {
            return fail("the body should be just the count's digits, was '" + response.body() + "'", e);
        }
    }
}
