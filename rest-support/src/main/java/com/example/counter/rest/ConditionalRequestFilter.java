package com.example.counter.rest;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Preconditions (RFC 9110 section 13) on a resource that has no validators: the count changes on
 * every increment, so it carries neither an ETag nor a Last-Modified date.
 * <ul>
 * <li>{@code If-Match} with entity tags can never hold: 412, and an increment does not happen
 * (a client that meant "only if nobody incremented since" must not get an increment anyway);
 * {@code If-Match: *} holds, as there always is a count;</li>
 * <li>{@code If-None-Match: *} never holds, for the same reason: 412 for POST, 304 for GET and HEAD;
 * {@code If-None-Match} with entity tags always holds;</li>
 * <li>{@code If-Modified-Since}, {@code If-Unmodified-Since}, {@code Range} and {@code If-Range}
 * are ignored, as the RFC asks of a resource without a modification date or range support: the
 * whole current count is the answer.</li>
 * </ul>
 */
@Provider
@PreMatching
@Priority(Priorities.HEADER_DECORATOR + 100)
public class ConditionalRequestFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> ifMatch = request.getHeaders().get(HttpHeaders.IF_MATCH);
        if (ifMatch != null && !ifMatch.isEmpty() && ifMatch.stream().noneMatch(v -> v.trim().equals("*"))) {
            throw failed("If-Match: the count has no entity tag, so no tag can match.");
        }
        List<String> ifNoneMatch = request.getHeaders().get(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.stream().anyMatch(v -> v.trim().equals("*"))) {
            String method = request.getMethod();
            if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
                request.abortWith(Response.notModified().build());
                return;
            }
            throw failed("If-None-Match: * never holds: there always is a count.");
        }
    }

    private static jakarta.ws.rs.WebApplicationException failed(String detail) {
        return new Problem(412, "Precondition Failed", detail).toException();
    }
}
