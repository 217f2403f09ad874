package com.example.counter.rest;

import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Anything else: logged in full on the server, answered with a bare 500 and an id to find the log
 * entry, so no stack trace or internal message reaches the client.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, exception, () -> "Unexpected error, incident " + incident);
        return new Problem(500, "Internal Server Error", "Unexpected error; incident " + incident + ".")
                .toResponse()
                .build();
    }
}
