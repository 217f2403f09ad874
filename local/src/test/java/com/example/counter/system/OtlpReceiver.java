package com.example.counter.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * An OpenTelemetry collector as far as the tests need one: it takes OTLP/HTTP trace exports
 * (protobuf, as the server's exporter sends them to {@code /v1/traces}) and keeps the spans of the
 * traces a test watches. It runs for all the system tests (see {@link LocalSystem#traces()}), so
 * the server always has somewhere to export to, and drops the rest.
 */
final class OtlpReceiver {

    /** A received span with what the tests look at, its ids in hex as in a traceparent header. */
    record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, Span.SpanKind kind,
            List<KeyValue> attributes, String serviceName) {

        Optional<String> attribute(String key) {
            return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst()
                    .map(a -> text(a.getValue()));
        }

        /** Every attribute value as text, to search for what must never be there. */
        Stream<String> attributeValues() {
            return attributes.stream().map(a -> text(a.getValue()));
        }

        private static String text(AnyValue value) {
            return switch (value.getValueCase()) {
                case STRING_VALUE -> value.getStringValue();
                case INT_VALUE -> Long.toString(value.getIntValue());
                case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
                case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
                default -> value.toString();
            };
        }
    }

    private final HttpServer server;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    OtlpReceiver(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + port + " for OTLP", e);
        }
        server.createContext("/v1/traces", this::receive);
        // Daemon threads: it stops with the test JVM, after the last test.
        server.setExecutor(java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "otlp-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            request.getResourceSpansList().forEach(resource -> {
                String service = resource.getResource().getAttributesList().stream()
                        .filter(a -> a.getKey().equals("service.name")).findFirst()
                        .map(a -> a.getValue().getStringValue()).orElse("");
                resource.getScopeSpansList().forEach(scope -> scope.getSpansList().stream()
                        .filter(span -> watched.contains(hex(span.getTraceId().toByteArray())))
                        .forEach(span -> spans.add(new ReceivedSpan(hex(span.getTraceId().toByteArray()),
                                hex(span.getSpanId().toByteArray()), hex(span.getParentSpanId().toByteArray()),
                                span.getName(), span.getKind(), span.getAttributesList(), service))));
            });
            byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
            exchange.getResponseBody().write(ok);
        }
    }

    /** Keeps the spans of this trace from now on. */
    void watch(String traceId) {
        watched.add(traceId);
    }

    /** The spans of a watched trace received so far. */
    List<ReceivedSpan> trace(String traceId) {
        return new ArrayList<>(spans.stream().filter(s -> s.traceId().equals(traceId)).toList());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
