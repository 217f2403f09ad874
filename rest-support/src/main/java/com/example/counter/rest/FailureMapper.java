package com.example.counter.rest;

import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

import com.example.counter.db.CountDBUnavailableException;

/**
 * Every failure that is not an HTTP error of the request (those are {@link WebApplicationExceptionMapper}'s):
 * <ul>
 * <li>the count store is unavailable (down, timed out), or Fault Tolerance gave up on it (circuit
 * breaker open): 503 with Retry-After, since asking again later may work;</li>
 * <li>anything else is a bug or bad data: logged in full, answered 500 with an incident id to find
 * the log entry.</li>
 * </ul>
 * No stack trace, exception message or setting reaches the client either way.
 */
@Provider
public class FailureMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(FailureMapper.class.getName());

    @Inject
    @ConfigProperties
    RestConfig config;

    @Inject
    CircuitBreakerWatch breaker;

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof CountDBUnavailableException || failure instanceof FaultToleranceException) {
            breaker.failed(failure);
            // Per request only at FINE: an outage would flood the log. What changed (the outage
            // starting, reads falling back) is logged once where it happens.
            LOG.log(Level.FINE, failure, failure::getMessage);
            return Problem.of(503, "The count store is unavailable; try again later.")
                    .toResponse()
                    .header(HttpHeaders.RETRY_AFTER, config.retryAfterSeconds)
                    .build();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, failure, () -> "Unexpected error, incident " + incident);
        return Problem.of(500, "Unexpected error; incident " + incident + ".").toResponse().build();
    }
}
