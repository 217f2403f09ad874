package com.example.counter.rest;

import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

import com.ibm.websphere.logging.hpel.LogRecordContext;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Puts the current trace and span ids on every log record written while a request is traced, so
 * that a log line leads to its trace: Liberty's JSON logs show them as {@code ext_traceId} and
 * {@code ext_spanId}. Outside a traced request (or with tracing off) the fields are absent.
 */
@ApplicationScoped
public class TraceIdsInLogs {

    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";

    private static final Logger LOG = Logger.getLogger(TraceIdsInLogs.class.getName());

    // Liberty holds extensions by weak reference: these fields keep them alive.
    private final LogRecordContext.Extension traceId = () -> ofCurrentSpan(SpanContext::getTraceId);
    private final LogRecordContext.Extension spanId = () -> ofCurrentSpan(SpanContext::getSpanId);

    private boolean registered;

    void onStartup(@Observes Startup startup) {
        try {
            LogRecordContext.registerExtension(TRACE_ID, traceId);
            LogRecordContext.registerExtension(SPAN_ID, spanId);
            registered = true;
        } catch (IllegalArgumentException e) {
            // Both WARs in one server (the local run): the first one's registration serves both.
            LOG.log(Level.FINE, "trace ids already on log records", e);
        }
    }

    @PreDestroy
    void unregister() {
        if (registered) {
            LogRecordContext.unregisterExtension(TRACE_ID);
            LogRecordContext.unregisterExtension(SPAN_ID);
        }
    }

    /** A field of the current span's context; none (no field logged) outside a trace. */
    private static String ofCurrentSpan(Function<SpanContext, String> field) {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? field.apply(context) : null;
    }
}
