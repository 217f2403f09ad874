package com.example.counter.inc;

import static com.example.counter.testsupport.Responses.assertContentType;
import static com.example.counter.testsupport.Responses.assertProblem;
import static com.example.counter.testsupport.Responses.assertStatus;
import static com.example.counter.testsupport.Responses.count;
import static com.example.counter.testsupport.Responses.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.localredis.LocalRedis;
import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.ManagementPort;
import com.example.counter.testsupport.OpenApiDocuments;
import com.example.counter.testsupport.TestRedis;

/** The web-inc WAR on a real Liberty server, writing to a real Redis master. */
@ExtendWith(TestRedis.class)
class IncrementResourceIT {

    /** The server the build started for these tests (the parent pom's it-server), with the WAR as it ships. */
    private static final URI BASE = URI.create(System.getProperty("counter.test.base-uri"));
    private static final Duration TIMEOUT = Duration.ofMillis(500); // counter.redis.timeout in the pom
    private final LocalRedis redis = TestRedis.redis();

    private Http http;
    private final Http management = ManagementPort.http();

    @BeforeEach
    void setUp() {
        http = new Http(BASE);
        // A test before may have opened the circuit breaker: start from a ready service.
        await("the service to be ready").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> management.get("/health/ready").statusCode() == 200);
    }

    private long storedCount() {
        Object value = redis.master().call("GET", "count");
        return value == null ? 0 : Long.parseLong((String) value);
    }

    @Test
    void postIncrementsAndReturnsTheNewCount() {
        long before = storedCount();

        HttpResponse<String> response = http.post("/inc");

        assertContentType("text/plain", response);
        assertEquals(before + 1, count(response), "POST /inc returns the new count");
        assertEquals(before + 1, storedCount(), "the master holds the new count");
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void theTutorialsCurlGetIncrementsOneByOne() {
        long before = storedCount();

        assertEquals(before + 1, count(http.get("/inc", "*/*")));
        assertEquals(before + 2, count(http.get("/inc", "*/*")));
        assertEquals(before + 3, count(http.get("/inc", "*/*")));
    }

    @Test
    void incAnswersWithoutARedirectToASlash() {
        HttpResponse<String> response = http.post("/inc");

        assertStatus(200, response);
        assertTrue(response.headers().firstValue("Location").isEmpty(), "no redirect: " + response.headers().map());
    }

    @Test
    void jsonOnRequest() {
        long before = storedCount();

        HttpResponse<String> response = http.post("/inc", "application/json");

        assertStatus(200, response);
        assertContentType("application/json", response);
        assertEquals(before + 1, json(response).getJsonNumber("count").longValue(), response.body());
    }

    @Test
    void headDoesNotIncrement() {
        long before = storedCount();

        HttpResponse<String> response = http.method("HEAD", "/inc");

        assertEquals(405, response.statusCode(), "HEAD must not run the incrementing GET");
        assertEquals(before, storedCount(), "the count must not move on HEAD");
    }

    @Test
    void wrongMethodIs405ProblemAndDoesNotCount() {
        long before = storedCount();

        HttpResponse<String> response = http.method("DELETE", "/inc");

        assertProblem(405, response);
        assertTrue(response.headers().firstValue("Allow").orElse("").contains("POST"),
                "Allow lists POST: " + response.headers().map());
        assertEquals(before, storedCount(), "a refused request must not count");
    }

    @Test
    void unacceptableAcceptIs406AndDoesNotCount() {
        long before = storedCount();

        assertProblem(406, http.post("/inc", "image/png"));
        assertEquals(before, storedCount(), "a refused request must not count");
    }

    @Test
    void unknownPathIs404Problem() {
        assertProblem(404, http.post("/inc/twice"));
    }

    @Test
    void masterDownIs503WithRetryAfterQuicklyAndNotReady() {
        redis.master().freeze();
        try {
            long start = System.nanoTime();
            HttpResponse<String> response = http.post("/inc");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertProblem(503, response);
            assertTrue(response.headers().firstValue("Retry-After").isPresent(), "a 503 says when to retry");
            assertTrue(took.compareTo(TIMEOUT.multipliedBy(2).plusSeconds(1)) < 0,
                    "answered after " + took.toMillis() + " ms; the bound is about twice the timeout");
            HttpResponse<String> ready = management.get("/health/ready");
            assertStatus(503, ready);
            assertTrue(ready.body().contains("\"error\""), "a DOWN check says why: " + ready.body());
            assertStatus(200, management.get("/health/live"));
        } finally {
            redis.master().thaw();
        }
        assertStatus(200, http.post("/inc"));
    }

    @Test
    void notReadyWhenTheWriteEndpointIsAReplica() {
        redis.master().call("REPLICAOF", "127.0.0.1", Integer.toString(redis.replica().port()));
        try {
            HttpResponse<String> ready = management.get("/health/ready");
            assertStatus(503, ready);
            assertTrue(ready.body().contains("not a master"), "the check says why: " + ready.body());
            assertProblem(503, http.post("/inc"));
        } finally {
            redis.master().call("REPLICAOF", "NO", "ONE");
            redis.replica().call("REPLICAOF", "127.0.0.1", Integer.toString(redis.master().port()));
        }
        assertStatus(200, management.get("/health/ready"));
    }

    @Test
    void anIdempotencyKeyIncrementsOnceAndRepliesTheSameCount() {
        long before = storedCount();
        String key = "\"" + java.util.UUID.randomUUID() + "\"";

        HttpResponse<String> first = http.send(http.request("/inc").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<String> retry = http.send(http.request("/inc").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(before + 1, count(first));
        assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty(), "the first request is not a replay");
        assertEquals(before + 1, count(retry), "the retry gets the first answer");
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""), "and says it is a replay");
        assertEquals(before + 1, storedCount(), "one key, one increment");
    }

    @Test
    void aMalformedIdempotencyKeyIs400AndDoesNotCount() {
        long before = storedCount();

        HttpResponse<String> response = http.send(http.request("/inc").header("Idempotency-Key", "\"two words\"")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());

        assertTrue(assertProblem(400, response).getString("detail").contains("Idempotency-Key"),
                "the problem says what is wrong: " + response.body());
        assertEquals(before, storedCount(), "a refused request must not count");
    }

    @Test
    void aRequestBodyOverTheLimitIs413AndDoesNotCount() {
        long before = storedCount();

        HttpResponse<String> response = http.send(http.request("/inc")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024])).build());

        assertProblem(413, response);
        assertEquals(before, storedCount(), "a refused request must not count");
    }

    @Test
    void noWelcomePageWhereNoApplicationIs() {
        // This server has only web-inc, at /inc: nothing is at /, and Liberty must not say who it is.
        // (Not the whole API, so not checked against its document, where / is web's.)
        HttpResponse<String> response = http.outsideTheContract().get("/");

        assertEquals(404, response.statusCode(), response.body());
        assertTrue(!response.body().contains("Liberty") && !response.body().contains("Welcome"),
                "Liberty's welcome page is off: " + response.body());
    }

    /**
     * web-inc's part of the OpenAPI document, rendered from its annotations, is the file that web
     * serves with its own: the route sends /openapi to web, which so documents the whole API.
     */
    @Test
    void webServesThisPartOfTheDocumentAsRendered() {
        HttpResponse<String> served = http.get("/openapi", "application/yaml");
        assertStatus(200, served);
        OpenApiDocuments.assertCommitted(java.nio.file.Path.of(System.getProperty("counter.test.openapi.inc-part")),
                served.body(), "openapi-inc.yaml");
    }

    /**
     * Health and metrics are for the platform: on the public port they are not there, whatever the
     * method (Liberty's health servlet would answer a POST with 200). web-inc has nothing outside
     * /inc, so Liberty itself answers (web, which the route sends those paths to, answers problems).
     */
    @Test
    void healthAndMetricsAreNotOnThePublicPort() {
        Http publicPort = http.outsideTheContract();
        for (String path : new String[] {"/health", "/health/ready", "/health/live", "/metrics"}) {
            assertStatus(404, publicPort.get(path));
            assertStatus(404, publicPort.post(path));
            assertStatus(200, management.get(path));
        }
    }

    @Test
    void healthEndpointsAreUp() {
        for (String check : new String[] {"/health/started", "/health/live", "/health/ready"}) {
            HttpResponse<String> response = management.get(check);
            assertStatus(200, response);
            assertEquals("UP", json(response).getString("status"), check);
        }
    }
}
