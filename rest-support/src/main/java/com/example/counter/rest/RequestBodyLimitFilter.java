package com.example.counter.rest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * No request of this API needs a body. Whatever body comes is read to its end here, before any
 * resource runs, so that a request the server cannot fully read never changes the count: a body
 * over the limit is refused with 413, whether it announces its length or comes chunked, and one
 * that cannot be read (malformed chunked framing, a connection cut short) with 400.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class RequestBodyLimitFilter implements ContainerRequestFilter {

    @Inject
    @ConfigProperties
    RestConfig config;

    @Override
    public void filter(ContainerRequestContext request) {
        // The declared Content-Length (Liberty has already refused a malformed one), or -1.
        if (request.getLength() > config.maxBody) {
            throw tooLarge();
        }
        boolean chunked = request.getHeaders().containsKey("Transfer-Encoding");
        if (request.getLength() <= 0 && !chunked) {
            return;
        }
        // Read at most one byte past the limit, then hand the bytes back.
        byte[] body;
        try {
            InputStream entity = request.getEntityStream();
            body = entity.readNBytes(config.maxBody + 1);
        } catch (IOException | RuntimeException e) {
            throw new Problem(400, "Bad Request", "The request body could not be read to its end.").toException();
        }
        if (body.length > config.maxBody) {
            throw tooLarge();
        }
        if (request.getLength() > 0 && body.length < request.getLength()) {
            throw new Problem(400, "Bad Request", "The request body is shorter than its Content-Length.").toException();
        }
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    private jakarta.ws.rs.WebApplicationException tooLarge() {
        return new Problem(413, "Content Too Large", "This API takes no request body larger than " + config.maxBody
                + " bytes.").toException();
    }
}
