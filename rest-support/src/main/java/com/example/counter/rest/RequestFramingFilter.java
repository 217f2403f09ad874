package com.example.counter.rest;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Requests whose framing is ambiguous are refused with 400 before anything reads them (RFC 9112
 * sections 3.2 and 6.3), because two parties that frame a message differently can be made to see
 * different requests (request smuggling):
 * <ul>
 * <li>more than one Host header, which Liberty passes through;</li>
 * <li>Content-Length values that disagree, and Transfer-Encoding with Content-Length: Liberty's
 * HTTP channel already settles these on one framing (see the README's known limits), so these
 * checks only hold if a runtime ever passes them on.</li>
 * </ul>
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class RequestFramingFilter implements ContainerRequestFilter {

    /** The headers as they came: the JAX-RS view has already merged repeated framing headers. */
    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> hosts = all(HttpHeaders.HOST);
        if (hosts.size() > 1) {
            throw refused("A request carries exactly one Host header.");
        }
        List<String> lengths = all(HttpHeaders.CONTENT_LENGTH);
        Set<String> distinctLengths = lengths.stream()
                .flatMap(value -> List.of(value.split(",")).stream())
                .map(String::trim)
                .collect(Collectors.toSet());
        if (distinctLengths.size() > 1) {
            throw refused("The Content-Length headers disagree.");
        }
        if (!lengths.isEmpty() && !all("Transfer-Encoding").isEmpty()) {
            throw refused("A request has either Transfer-Encoding or Content-Length, not both.");
        }
    }

    private List<String> all(String name) {
        return Collections.list(servletRequest.getHeaders(name));
    }

    private static jakarta.ws.rs.WebApplicationException refused(String detail) {
        return new Problem(400, "Bad Request", detail).toException();
    }
}
