package com.example.counter.rest;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem details body. Only fixed, server-written text goes in {@code title} and
 * {@code detail}: never an exception message, a stack trace or anything from configuration.
 */
public record Problem(int status, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem titled with the status's reason phrase (404: "Not Found"). */
    public static Problem of(int status, String detail) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase()
                : Response.Status.Family.familyOf(status) == Response.Status.Family.CLIENT_ERROR ? "Client Error"
                : "Server Error";
        return new Problem(status, title, detail);
    }

    /** The JSON document; built with JSON-P so it does not depend on a JSON-B provider for this media type. */
    public String toJson() {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status);
        if (detail != null) {
            json.add("detail", detail);
        }
        return json.build().toString();
    }

    /** This problem as an exception that JAX-RS answers as it is. */
    public WebApplicationException toException() {
        return new WebApplicationException(toResponse().build());
    }

    /** A response carrying this problem; callers add headers such as Retry-After or Allow. */
    public Response.ResponseBuilder toResponse() {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(toJson());
    }
}
