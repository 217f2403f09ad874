package com.example.counter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.localredis.LocalRedis;

/** The web WAR on a real Liberty server, reading a real Redis master and replica. */
@ExtendWith(ArquillianExtension.class)
class CountResourceIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofMillis(500); // counter.redis.timeout in the pom
    private static LocalRedis redis;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // The WAR the build produced, exactly as it ships.
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("counter.test.war")));
    }

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.startForTests();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void redisIsUp() {
        redis.ensureRunning();
    }

    /** Stores a count on the master and waits until the replica has it. */
    private static long storeCount(long value) {
        redis.master().call("SET", "count", Long.toString(value));
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));
        return value;
    }

    private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), () -> "status; body was " + response.body());
        assertTrue(contentType(response).startsWith("application/problem+json"),
                "problem responses are application/problem+json, not " + contentType(response));
        JsonObject problem = json(response);
        assertEquals(status, problem.getInt("status"), "the problem's status matches the response");
        assertFalse(problem.getString("title").isBlank(), "a problem has a title");
        assertFalse(response.body().contains("Exception") || response.body().contains("at com."),
                "no exception or stack trace in " + response.body());
    }

    @Test
    void plainTextIsWhatCurlGets() throws Exception {
        long count = storeCount(41);

        HttpResponse<String> response = get("/", null);

        assertEquals(200, response.statusCode());
        assertTrue(contentType(response).startsWith("text/plain"), contentType(response));
        assertEquals(Long.toString(count), response.body(), "the body is just the digits");
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void jsonOnRequest() throws Exception {
        long count = storeCount(7);

        HttpResponse<String> response = get("/", "application/json");

        assertEquals(200, response.statusCode());
        assertTrue(contentType(response).startsWith("application/json"), contentType(response));
        assertEquals(count, json(response).getJsonNumber("count").longValue(), response.body());
    }

    @Test
    void browsersGetAPageWithTheCountAndAnIncrementButton() throws Exception {
        long count = storeCount(1234);

        HttpResponse<String> response = get("/",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        assertEquals(200, response.statusCode());
        assertTrue(contentType(response).startsWith("text/html"), contentType(response));
        assertTrue(response.body().contains(">" + count + "</output>"), "the page shows the count: " + response.body());
        assertTrue(response.body().contains("<button id=\"increment\""), "the page has the increment button");
        assertFalse(response.body().contains("http://") || response.body().contains("https://"),
                "the page loads nothing from other hosts");

        HttpResponse<String> script = get("/counter.js", null);
        assertEquals(200, script.statusCode());
        assertTrue(contentType(script).startsWith("text/javascript"), contentType(script));
        assertTrue(script.body().contains("fetch(\"/inc\""), "the script increments through /inc");
    }

    @Test
    void aMissingKeyReadsAsZero() throws Exception {
        redis.master().call("DEL", "count");
        redis.replica().awaitInSyncWith(redis.master(), Duration.ofSeconds(10));

        assertEquals("0", get("/", "text/plain").body());
    }

    @Test
    void readsKeepWorkingWhileTheReplicaIsDown() throws Exception {
        long count = storeCount(99);
        redis.replica().stop();

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get("/", null);
            assertEquals(200, response.statusCode(), "read " + i + " with the replica down: " + response.body());
            assertEquals(Long.toString(count), response.body(), "the master answers in the replica's place");
        }
        HttpResponse<String> ready = get("/health/ready", null);
        assertEquals(200, ready.statusCode(), "still ready, reading from the master: " + ready.body());
    }

    @Test
    void redisDownIs503WithRetryAfterQuickly() throws Exception {
        redis.replica().stop();
        redis.master().freeze(); // a hung master: the worst case for timeouts

        try {
            long start = System.nanoTime();
            HttpResponse<String> response = get("/", null);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertProblem(response, 503);
            assertTrue(response.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
            assertTrue(took.compareTo(TIMEOUT.multipliedBy(2).plusSeconds(1)) < 0,
                    "answered after " + took.toMillis() + " ms; the bound is about twice the timeout");

            HttpResponse<String> ready = get("/health/ready", null);
            assertEquals(503, ready.statusCode(), "not ready without Redis: " + ready.body());
            assertTrue(ready.body().contains("\"error\""), "a DOWN check says why: " + ready.body());
            assertEquals(200, get("/health/live", null).statusCode(), "liveness never depends on Redis");
        } finally {
            redis.master().thaw();
        }
    }

    @Test
    void unknownPathIs404Problem() throws Exception {
        assertProblem(get("/no/such/thing", null), 404);
    }

    @Test
    void wrongMethodIs405ProblemWithAllow() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve("/"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertProblem(response, 405);
        assertTrue(response.headers().firstValue("Allow").orElse("").contains("GET"),
                "Allow lists GET: " + response.headers().map());
    }

    @Test
    void unacceptableAcceptIs406Problem() throws Exception {
        assertProblem(get("/", "image/png"), 406);
    }

    @Test
    void healthEndpointsAreUp() throws Exception {
        for (String check : new String[] {"/health/started", "/health/live", "/health/ready"}) {
            HttpResponse<String> response = get(check, null);
            assertEquals(200, response.statusCode(), check + ": " + response.body());
            assertEquals("UP", json(response).getString("status"), check);
        }
    }

    @Test
    void responsesDoNotNameTheServer() throws Exception {
        HttpResponse<String> response = get("/", null);
        assertTrue(response.headers().firstValue("Server").isEmpty(), "Server header: " + response.headers().map());
        assertTrue(response.headers().firstValue("X-Powered-By").isEmpty(), "X-Powered-By: " + response.headers().map());
    }
}
