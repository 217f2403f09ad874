package com.example.counter.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/** Headers every response of both services carries. */
@Provider
public class ResponseHeadersFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        // A count is stale the moment it is read, and GET /inc changes state: no cache, browser or
        // proxy may keep or replay either.
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        // Browsers must take the Content-Type as given (no sniffing a count into HTML).
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
    }
}
