package com.example.counter.rest;

import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/** Headers every response of both services carries. */
@Provider
public class ResponseHeadersFilter implements ContainerResponseFilter {

    /**
     * No-store: a count is stale the moment it is read, and GET /inc changes state, so no cache,
     * browser or proxy may keep or replay either. Nosniff: browsers take the Content-Type as given.
     */
    static final Map<String, String> HEADERS = Map.of(
            HttpHeaders.CACHE_CONTROL, "no-store",
            "X-Content-Type-Options", "nosniff");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        HEADERS.forEach(response.getHeaders()::putSingle);
    }
}
