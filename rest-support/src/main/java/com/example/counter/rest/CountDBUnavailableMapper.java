package com.example.counter.rest;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.example.counter.db.CountDBUnavailableException;

/** The store is down or refusing writes for now: 503, and when to try again. */
@Provider
public class CountDBUnavailableMapper implements ExceptionMapper<CountDBUnavailableException> {

    private static final Logger LOG = Logger.getLogger(CountDBUnavailableMapper.class.getName());

    @Inject
    @ConfigProperty(name = "counter.retry-after")
    int retryAfterSeconds;

    @Override
    public Response toResponse(CountDBUnavailableException exception) {
        // Per request only at FINE: an outage would flood the log. What changed (breaker open, reads
        // falling back) is logged once where it happens. The message never holds a password, and
        // the client gets none of it.
        LOG.log(Level.FINE, exception, exception::getMessage);
        return new Problem(503, "Service Unavailable", "The count store is unavailable; try again later.")
                .toResponse()
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .build();
    }
}
