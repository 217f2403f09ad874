package com.example.counter.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

class ProblemTest {

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    @Test
    void isAnRfc9457Document() {
        JsonObject json = parse(new Problem(503, "Service Unavailable", "Try again \"later\".").toJson());

        assertEquals("about:blank", json.getString("type"));
        assertEquals("Service Unavailable", json.getString("title"));
        assertEquals(503, json.getInt("status"));
        assertEquals("Try again \"later\".", json.getString("detail"), "quotes must be escaped, not break the JSON");
    }

    @Test
    void leavesOutAMissingDetail() {
        assertFalse(parse(new Problem(418, "I'm a teapot", null).toJson()).containsKey("detail"));
    }
}
