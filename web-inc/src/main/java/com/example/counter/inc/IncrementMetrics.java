package com.example.counter.inc;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * {@code counter_increments_total} by outcome, counted from the answers of {@link IncrementResource}
 * (its exceptions included, once mapped): {@code applied} (200), {@code replayed} (200 for a retry
 * with a known Idempotency-Key: nothing was added) and {@code unavailable} (503: Redis or the
 * breaker refused; the increment may or may not have been applied, see the README). Requests
 * refused for being malformed (4xx) are not increments and are left to Liberty's HTTP metrics.
 */
@Provider
public class IncrementMetrics implements ContainerResponseFilter {

    private static final Metadata INCREMENTS = Metadata.builder().withName("counter.increments")
            .withDescription("Increment requests by outcome: applied, replayed (Idempotency-Key seen before),"
                    + " unavailable (503)")
            .build();

    @Context
    ResourceInfo resource;

    @Inject
    MetricRegistry registry;

    private final Map<String, Counter> increments = new HashMap<>();

    /** All outcomes from the start, at 0: a series that appears only when it first moves hides that move from rate(). */
    @PostConstruct
    void register() {
        for (String outcome : new String[] {"applied", "replayed", "unavailable"}) {
            increments.put(outcome, registry.counter(INCREMENTS, new Tag("outcome", outcome)));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Class<?> matched = resource.getResourceClass();
        if (matched == null || !IncrementResource.class.isAssignableFrom(matched) || HttpMethod.HEAD.equals(request.getMethod())) {
            return;
        }
        String outcome = switch (response.getStatus()) {
            case 200 -> response.getHeaders().containsKey(IncrementResource.REPLAYED) ? "replayed" : "applied";
            case 503 -> "unavailable";
            default -> null;
        };
        if (outcome != null) {
            increments.get(outcome).inc();
        }
    }
}
