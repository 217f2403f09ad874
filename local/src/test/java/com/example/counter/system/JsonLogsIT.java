package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Responses;

/**
 * The containers' logs, as a log collector reads them: the system tests' server runs with the
 * containers' logging settings (kustomize/base/liberty-logging.env, see local/pom.xml), so its
 * console carries one JSON object per event: messages, the access log and FFDC, never a secret.
 */
@ExtendWith(LocalSystem.class)
class JsonLogsIT {

    private static final String PASSWORD = System.getProperty("counter.test.redis.password");
    private static final Set<String> EVENT_TYPES = Set.of("liberty_message", "liberty_trace", "liberty_accesslog",
            "liberty_ffdc", "liberty_audit");

    @Test
    void everyConsoleLineIsOneJsonEventOfTheServer() {
        List<JsonObject> records = ConsoleLog.records();

        assertFalse(records.isEmpty(), "nothing in " + ConsoleLog.FILE);
        for (JsonObject record : records) {
            assertTrue(EVENT_TYPES.contains(record.getString("type", "")), "not a Liberty event: " + record);
            assertTrue(record.containsKey("ibm_datetime"), "an event without its time: " + record);
        }
        assertTrue(records.stream().anyMatch(r -> r.getString("message", "").startsWith("CWWKF0011I")),
                "the server's 'ready' message is an event too");
    }

    @Test
    void eachRequestIsAnAccessLogEvent() {
        String path = "/?access-log=" + System.nanoTime();
        Responses.assertStatus(200, LocalSystem.http().get(path));

        JsonObject access = await("the request in the access log").atMost(Duration.ofSeconds(10))
                .until(() -> ConsoleLog.records().stream()
                        .filter(r -> "liberty_accesslog".equals(r.getString("type", "")))
                        .filter(r -> path.equals(r.getString("ibm_uriPath", "") + "?" + r.getString("ibm_queryString", "")))
                        .findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
        assertEquals("GET", access.getString("ibm_requestMethod"), access.toString());
        assertEquals(200, access.getInt("ibm_responseCode"), access.toString());
    }

    @Test
    void noLineCarriesTheRedisPassword() {
        assertFalse(PASSWORD == null || PASSWORD.isEmpty(), "the test server must run with a password");
        for (String line : ConsoleLog.lines()) {
            assertFalse(line.contains(PASSWORD), "a console line carries the Redis password: " + line);
        }
    }
}
