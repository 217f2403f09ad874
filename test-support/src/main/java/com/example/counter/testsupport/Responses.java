package com.example.counter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

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
        return parse(response.body());
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
        return assertProblem(status, contentType(response), response.body());
    }

    /** The same, for a response read some other way (see {@link RawHttp}). */
    public static JsonObject assertProblem(int status, String contentType, String body) {
        assertTrue(contentType != null && contentType.startsWith("application/problem+json"),
                () -> "expected problem details but the Content-Type was '" + contentType + "': " + body);
        JsonObject problem = parse(body);
        assertEquals(status, problem.getInt("status", -1), () -> "the problem's status: " + body);
        assertFalse(problem.getString("title", "").isBlank(), () -> "a problem has a title: " + body);
        assertFalse(STACK_TRACE.matcher(body).find(), () -> "exception text or a stack trace leaked into: " + body);
        return problem;
    }

    /** An exception's name, or a stack frame, raw or escaped in JSON ("\tat x.y(Z.java:1)"). */
    private static final Pattern STACK_TRACE = Pattern.compile("Exception|Error:|(\\t|\t)at |\\.java:\\d+");

    private static JsonObject parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (JsonException e) {
            return fail("not a JSON object: " + body, e);
        }
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
