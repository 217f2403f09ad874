package com.example.counter.db;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * Each Redis command as an OpenTelemetry client span, a child of the request's server span, with
 * the database attributes of OpenTelemetry's semantic conventions: which Redis (in Sentinel mode,
 * the master the client followed when the command ran), which command,
 * never its arguments (an Idempotency-Key is the client's data) and never the password.
 *
 * <p>The span is made when the command has completed, with the start time it had: the clients
 * report each command once, on the request's thread, so the request's span is the current one.
 * Tracing is off unless the standard OTEL_* variables turn it on (README, "Tracing"); then the
 * tracer makes no spans and this costs next to nothing.
 */
// Typed: RedisObservers is the one RedisMonitor to inject, and reports here.
@ApplicationScoped
@Typed(RedisTraces.class)
public class RedisTraces implements RedisMonitor {

    static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
    static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    /** Which of the two endpoints (read or write): the command/query split, as a span attribute. */
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("counter.redis.endpoint");

    @Inject
    Tracer tracer;

    /** What a span says of where its command went; few (two endpoints, and each master after a failover). */
    private record Target(Endpoint role, RedisEndpoint server) {
    }

    private final Map<Target, Attributes> attributes = new ConcurrentHashMap<>();

    /**
     * Made once per endpoint and server. Without a server (in Sentinel mode, before a sentinel
     * named the master) the span has no server.address and server.port.
     */
    private static Attributes describe(Target target) {
        AttributesBuilder attributes = Attributes.builder()
                .put(DB_SYSTEM, "redis")
                .put(ENDPOINT, target.role().label());
        if (target.server() != null) {
            attributes.put(DB_NAMESPACE, Integer.toString(target.server().database()))
                    .put(SERVER_ADDRESS, target.server().host())
                    .put(SERVER_PORT, (long) target.server().port());
        }
        return attributes.build();
    }

    @Override
    public void commandCompleted(Endpoint endpoint, RedisEndpoint server, String operation, long nanos,
            Outcome outcome) {
        Instant end = Instant.now();
        Span span = tracer.spanBuilder(operation)
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(end.minusNanos(nanos))
                .setAllAttributes(attributes.computeIfAbsent(new Target(endpoint, server), RedisTraces::describe))
                .setAttribute(DB_OPERATION, operation)
                .startSpan();
        if (outcome != Outcome.SUCCESS) {
            span.setStatus(StatusCode.ERROR, outcome.label());
        }
        span.end(end);
    }

    @Override
    public void readFallbackStarted() {
        Span.current().addEvent("counter.redis.read.fallback.started");
    }

    @Override
    public void readFallbackEnded() {
        Span.current().addEvent("counter.redis.read.fallback.ended");
    }
}
