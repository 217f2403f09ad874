package com.example.counter.rest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * No request of this API needs a body; a large one is refused with 413 before anything else runs,
 * whether it announces its length or comes chunked.
 */
@Provider
@PreMatching
public class RequestBodyLimitFilter implements ContainerRequestFilter {

    @Inject
    @ConfigProperties
    RestConfig config;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        // The declared Content-Length (Liberty has already refused a malformed one), or -1.
        if (request.getLength() > config.maxBody) {
            throw tooLarge();
        }
        if (request.getLength() < 0 && request.hasEntity()) {
            // Chunked: read at most one byte past the limit, then hand the bytes back.
            InputStream entity = request.getEntityStream();
            byte[] body = entity.readNBytes(config.maxBody + 1);
            if (body.length > config.maxBody) {
                throw tooLarge();
            }
            request.setEntityStream(new ByteArrayInputStream(body));
        }
    }

    private jakarta.ws.rs.WebApplicationException tooLarge() {
        return new Problem(413, "Content Too Large", "This API takes no request body larger than " + config.maxBody
                + " bytes.").toException();
    }
}
