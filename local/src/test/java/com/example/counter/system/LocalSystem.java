package com.example.counter.system;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.example.counter.client.CounterClient;
import com.example.counter.localredis.LocalRedis;
import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.ManagementPort;
import com.example.counter.testsupport.Responses;
import com.example.counter.testsupport.Scrape;
import com.example.counter.testsupport.TestRedis;

/**
 * The local topology under test: the Liberty server that the build started (both services) and a
 * Redis master and replica that this extension starts once for all test classes.
 */
public final class LocalSystem implements BeforeAllCallback, BeforeEachCallback {

    static final URI BASE = URI.create(System.getProperty("counter.test.base-uri", "http://localhost:19080"));
    private static final int OTLP_PORT = Integer.getInteger("counter.test.otlp.port", 19318);
    private static OtlpReceiver traces;

    private final TestRedis testRedis = new TestRedis();

    @Override
    public void beforeAll(ExtensionContext context) {
        traces();
        testRedis.beforeAll(context);
        beforeEach(context);
    }

    /** Every test starts with both Redis nodes up and the services ready, whatever the last one did. */
    @Override
    public void beforeEach(ExtensionContext context) {
        testRedis.beforeEach(context);
        awaitReady();
    }

    static LocalRedis redis() {
        return TestRedis.redis();
    }

    /** The count on the master, where increments land. */
    static long storedCount() {
        Object value = redis().master().call("GET", "count");
        return value == null ? 0 : Long.parseLong((String) value);
    }

    static Http http() {
        return new Http(BASE);
    }

    /** Where the server exports its traces (local/pom.xml), from the first test on. */
    static synchronized OtlpReceiver traces() {
        if (traces == null) {
            traces = new OtlpReceiver(OTLP_PORT);
        }
        return traces;
    }

    /** The management port: health and metrics, for the platform. */
    static Http management() {
        return ManagementPort.http();
    }

    /** The server's /metrics now, as Prometheus scrapes it. */
    static Scrape scrape() {
        HttpResponse<String> metrics = management().get("/metrics");
        Responses.assertStatus(200, metrics);
        return new Scrape(metrics.body());
    }

    /**
     * A Rest Client as an application outside the cluster would build it, with every response it
     * receives checked against the OpenAPI document.
     */
    static CounterClient client() {
        return RestClientBuilder.newBuilder()
                .baseUri(BASE)
                .register(ContractCheckingFilter.class)
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .build(CounterClient.class);
    }

    /** Both services ready (a test before may have left Redis restarting). */
    static void awaitReady() {
        await("the system to be ready").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> management().get("/health/ready").statusCode() == 200);
    }
}
