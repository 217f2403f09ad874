package com.example.counter.web;

import static com.example.counter.testsupport.Responses.assertContentType;
import static com.example.counter.testsupport.Responses.assertProblem;
import static com.example.counter.testsupport.Responses.assertStatus;
import static com.example.counter.testsupport.Responses.count;
import static com.example.counter.testsupport.Responses.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.localredis.LocalRedis;
import com.example.counter.testsupport.Contract;
import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.ManagementPort;
import com.example.counter.testsupport.OpenApiDocuments;
import com.example.counter.testsupport.TestRedis;

/** The web WAR on a real Liberty server, reading a real Redis master and replica. */
@ExtendWith(TestRedis.class)
class CountResourceIT {

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

    /** Stores a count on the master and waits until the replica has it. */
    private long storeCount(long value) {
        redis.master().call("SET", "count", Long.toString(value));
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        return value;
    }

    @Test
    void plainTextIsWhatCurlGets() {
        long stored = storeCount(41);

        HttpResponse<String> response = http.get("/", "*/*");

        assertContentType("text/plain", response);
        assertEquals(stored, count(response), "the body is just the digits");
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""), "counts are never cached");
    }

    @Test
    void jsonOnRequest() {
        long stored = storeCount(7);

        HttpResponse<String> response = http.get("/", "application/json");

        assertStatus(200, response);
        assertContentType("application/json", response);
        assertEquals(stored, json(response).getJsonNumber("count").longValue(), response.body());
    }

    @Test
    void browsersGetAPageWithTheCountAndAnIncrementButton() {
        long stored = storeCount(1234);

        HttpResponse<String> response = http.get("/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        assertStatus(200, response);
        assertContentType("text/html", response);
        assertTrue(response.body().contains(">" + stored + "</output>"), "the page shows the count: " + response.body());
        assertTrue(response.body().contains("<button id=\"increment\""), "the page has the increment button");
        assertFalse(response.body().contains("http://") || response.body().contains("https://"),
                "the page loads nothing from other hosts");

        assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                "the page is served with a Content-Security-Policy: " + response.headers().map());

        HttpResponse<String> style = http.get("/counter.css");
        assertStatus(200, style);
        assertContentType("text/css", style);

        HttpResponse<String> script = http.get("/counter.js");
        assertStatus(200, script);
        assertContentType("text/javascript", script);
        assertTrue(script.body().contains("fetch(\"/inc\""), "the script increments through /inc");
    }

    @Test
    void aMissingKeyReadsAsZero() {
        redis.master().call("DEL", "count");
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));

        assertEquals(0, count(http.get("/")));
    }

    @Test
    void readsKeepWorkingWhileTheReplicaIsDown() {
        long stored = storeCount(99);
        redis.replica().stop();

        for (int i = 0; i < 3; i++) {
            assertEquals(stored, count(http.get("/")), "read " + i + ": the master answers in the replica's place");
        }
        assertStatus(200, management.get("/health/ready"));
    }

    @Test
    void redisDownIs503WithRetryAfterQuickly() {
        redis.replica().stop();
        redis.master().freeze(); // a hung master: the worst case for timeouts
        try {
            long start = System.nanoTime();
            HttpResponse<String> response = http.get("/");
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
    }

    @Test
    void unknownPathIs404Problem() {
        assertProblem(404, http.get("/no/such/thing"));
    }

    @Test
    void wrongMethodIs405ProblemWithAllow() {
        HttpResponse<String> response = http.method("DELETE", "/");

        assertProblem(405, response);
        assertTrue(response.headers().firstValue("Allow").orElse("").contains("GET"),
                "Allow lists GET: " + response.headers().map());
    }

    @Test
    void containerErrorsAreProblemsToo() {
        assertProblem(404, http.get("/WEB-INF/ibm-web-ext.xml"));
        assertProblem(400, http.get("/", "text/plain;q=lots"));
    }

    @Test
    void unacceptableAcceptIs406Problem() {
        assertProblem(406, http.get("/", "image/png"));
    }

    /**
     * web alone, as in the cluster where the route sends /openapi to it, serves the one document of
     * the whole API: its own operations from its annotations, web-inc's from the file web-inc's
     * tests keep in sync with web-inc's annotations.
     */
    @Test
    void servesTheDocumentOfTheWholeApi() {
        HttpResponse<String> served = http.get("/openapi", "application/yaml");
        assertStatus(200, served);
        OpenApiDocuments.assertCommitted(Contract.file(), served.body(), "openapi.yaml");
    }

    /**
     * Health and metrics are for the platform: on the public port, which the route sends to, they
     * are unknown paths whatever the method (Liberty's health servlet would answer a POST with 200).
     */
    @Test
    void healthAndMetricsAreNotOnThePublicPort() {
        for (String path : new String[] {"/health", "/health/ready", "/health/live", "/metrics"}) {
            assertProblem(404, http.get(path));
            assertProblem(404, http.post(path));
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

    @Test
    void responsesDoNotNameTheServer() {
        HttpResponse<String> response = http.get("/");
        assertTrue(response.headers().firstValue("Server").isEmpty(), "Server header: " + response.headers().map());
        assertTrue(response.headers().firstValue("X-Powered-By").isEmpty(), "X-Powered-By: " + response.headers().map());
    }

}
