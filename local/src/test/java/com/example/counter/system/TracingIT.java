package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;
import jakarta.ws.rs.client.ClientRequestFilter;

import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.client.CounterClient;
import com.example.counter.system.OtlpReceiver.ReceivedSpan;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;

/**
 * Traces, as an operator who turned them on with the standard OTEL_* variables gets them (the
 * system tests' server exports to this test's OTLP receiver; see local/pom.xml): a server span per
 * request that continues the caller's W3C trace context, a client span per Redis command beneath
 * it with OpenTelemetry's database attributes, no secret in any attribute, and the trace id on the
 * log lines a request writes.
 */
@ExtendWith(LocalSystem.class)
class TracingIT {

    private static final String PASSWORD = System.getProperty("counter.test.redis.password");
    private static final Duration EXPORTED = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OtlpReceiver receiver = LocalSystem.traces();

    /** A traced caller's context, as its instrumented Rest Client sends it: a W3C traceparent. */
    private record Caller(String traceId, String spanId) {
        /** A new trace, which the receiver keeps. */
        static Caller fresh() {
            Caller caller = new Caller(hex(16), hex(8));
            LocalSystem.traces().watch(caller.traceId());
            return caller;
        }

        String traceparent() {
            return "00-" + traceId + "-" + spanId + "-01";
        }

        private static String hex(int bytes) {
            byte[] id = new byte[bytes];
            RANDOM.nextBytes(id);
            return HexFormat.of().formatHex(id);
        }
    }

    private static CounterClient client(Caller caller) {
        return RestClientBuilder.newBuilder()
                .baseUri(LocalSystem.BASE)
                .register((ClientRequestFilter) request -> request.getHeaders().putSingle("traceparent", caller.traceparent()))
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .build(CounterClient.class);
    }

    /** The caller's trace once it holds the server span and a Redis span of this operation. */
    private List<ReceivedSpan> awaitTrace(Caller caller, String redisOperation) {
        return await("the trace " + caller.traceId() + " with a Redis " + redisOperation + " span at the OTLP receiver")
                .atMost(EXPORTED)
                .until(() -> receiver.trace(caller.traceId()),
                        spans -> spans.stream().anyMatch(s -> s.kind() == SpanKind.SPAN_KIND_SERVER)
                                && spans.stream().anyMatch(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT
                                        && s.name().equals(redisOperation)));
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, SpanKind kind, String what) {
        List<ReceivedSpan> found = spans.stream().filter(s -> s.kind() == kind).toList();
        assertEquals(1, found.size(), "one " + what + " span in the trace: " + found);
        return found.get(0);
    }

    /** Whether a span descends from an ancestor, following parent ids within the trace. */
    private static boolean descendsFrom(ReceivedSpan span, ReceivedSpan ancestor, List<ReceivedSpan> trace) {
        Map<String, ReceivedSpan> byId = trace.stream().collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity()));
        for (ReceivedSpan at = span; at != null; at = byId.get(at.parentSpanId())) {
            if (at.parentSpanId().equals(ancestor.spanId())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aReadIsAServerSpanContinuingTheCallersTraceWithTheRedisGetBeneathIt() throws Exception {
        // A test before this one may have stopped the replica and left reads on the master for the
        // fallback interval; reads probe the replica again, so read until they are back on it.
        await("reads back on the read endpoint").atMost(Duration.ofSeconds(30)).until(() -> {
            LocalSystem.http().get("/");
            return LocalSystem.scrape().sum("counter_redis_read_fallback_active") == 0;
        });
        Caller caller = Caller.fresh();
        try (CounterClient client = client(caller)) {
            client.count();
        }

        List<ReceivedSpan> trace = awaitTrace(caller, "GET");
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER, "server");
        assertEquals(caller.spanId(), server.parentSpanId(), "the server span continues the caller's span: " + server);
        assertEquals(Optional.of("GET"), server.attribute("http.request.method"), "the server span's method: " + server);
        assertEquals(Optional.of("200"), server.attribute("http.response.status_code"), "the server span's status: " + server);

        ReceivedSpan redis = only(trace, SpanKind.SPAN_KIND_CLIENT, "Redis");
        assertTrue(descendsFrom(redis, server, trace), "the Redis span is beneath the request's span: " + trace);
        assertEquals(Optional.of("redis"), redis.attribute("db.system.name"), redis.toString());
        assertEquals(Optional.of("GET"), redis.attribute("db.operation.name"), redis.toString());
        assertEquals(Optional.of("read"), redis.attribute("counter.redis.endpoint"), "reads go to the read endpoint: " + redis);
        assertEquals(Optional.of(Integer.toString(LocalSystem.redis().replica().port())), redis.attribute("server.port"),
                "the read endpoint is the replica: " + redis);
        assertEquals(Optional.of("0"), redis.attribute("db.namespace"), redis.toString());
    }

    @Test
    void anIncrementIsTracedToTheMasterWithoutItsKeyOrThePassword() throws Exception {
        Caller caller = Caller.fresh();
        String key = "traced-" + System.nanoTime();
        try (CounterClient client = client(caller)) {
            client.increment(key);
        }

        List<ReceivedSpan> trace = awaitTrace(caller, "EVALSHA");
        ReceivedSpan redis = trace.stream().filter(s -> s.name().equals("EVALSHA")).findFirst().orElseThrow();
        assertEquals(Optional.of("write"), redis.attribute("counter.redis.endpoint"), redis.toString());
        assertEquals(Optional.of(Integer.toString(LocalSystem.redis().master().port())), redis.attribute("server.port"),
                "increments go to the master: " + redis);
        for (ReceivedSpan span : trace) {
            assertFalse(span.attributeValues().anyMatch(value -> value.contains(key)),
                    "a span attribute carries the client's Idempotency-Key: " + span);
            assertFalse(span.attributeValues().anyMatch(value -> value.contains(PASSWORD)),
                    "a span attribute carries the Redis password: " + span);
        }
    }

    /**
     * A log line written while a traced request runs (here, the read fallback's warning when the
     * replica is down) carries that request's trace id, in the JSON the containers log.
     */
    @Test
    void aLogLineOfATracedRequestCarriesItsTraceId() throws Exception {
        // The warning is written when reads switch to the master: start from reads on the replica.
        await("reads back on the read endpoint").atMost(Duration.ofSeconds(30)).until(() -> {
            LocalSystem.http().get("/");
            return LocalSystem.scrape().sum("counter_redis_read_fallback_active") == 0;
        });
        Caller caller = Caller.fresh();
        LocalSystem.redis().replica().stop();
        try (CounterClient client = client(caller)) {
            client.count();
        } finally {
            LocalSystem.redis().replica().start();
        }

        JsonObject warning = await("the read fallback's warning in the console log").atMost(EXPORTED)
                .until(() -> ConsoleLog.records().stream()
                        .filter(r -> r.getString("message", "").contains("Read endpoint"))
                        .filter(r -> caller.traceId().equals(r.getString("ext_traceId", null)))
                        .findFirst(), Optional::isPresent)
                .orElseThrow();
        assertEquals("WARNING", warning.getString("loglevel"), "a warning: " + warning);
        assertTrue(warning.containsKey("ext_spanId"), "the span id too: " + warning);
    }
}
