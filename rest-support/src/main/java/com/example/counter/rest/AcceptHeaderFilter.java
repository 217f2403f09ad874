package com.example.counter.rest;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * A malformed Accept header (a bad media range or q-value) is the client's mistake: 400, rather
 * than the parse error JAX-RS would raise later as a 500.
 */
@Provider
@PreMatching
public class AcceptHeaderFilter implements ContainerRequestFilter {

    /** Commas between media ranges, not those inside a quoted parameter value. */
    private static final Pattern MEDIA_RANGES = Pattern.compile(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");

    @Override
    public void filter(ContainerRequestContext request) {
        for (String accept : request.getHeaders().getOrDefault(HttpHeaders.ACCEPT, List.of())) {
            for (String range : MEDIA_RANGES.split(accept)) {
                if (!range.isBlank() && !valid(range.trim())) {
                    throw new Problem(400, "Bad Request", "The Accept header is malformed.").toException();
                }
            }
        }
    }

    private static boolean valid(String range) {
        try {
            MediaType type = MediaType.valueOf(range);
            String q = type.getParameters().get("q");
            if (q != null) {
                double quality = Double.parseDouble(q);
                return quality >= 0 && quality <= 1;
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
