package com.example.counter.inc;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.example.counter.db.ICountDB;
import com.example.counter.db.Increment;
import com.example.counter.rest.Count;
import com.example.counter.rest.Problem;

/**
 * {@code POST /inc} adds one and returns the new count. {@code GET /inc} does the same, for the
 * original tutorial's {@code curl localhost/inc}, unless {@code counter.inc.allow-get=false}.
 *
 * <p>With an {@code Idempotency-Key} header, the first request increments and every retry with the
 * same key gets the same count back (marked {@code Idempotent-Replayed: true}) without incrementing.
 */
@Path("/")
public class IncrementResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    @Inject
    ICountDB db;

    @Inject
    @ConfigProperty(name = "counter.inc.allow-get")
    boolean allowGet;

    @POST
    @Produces({Count.TEXT, Count.JSON})
    public Response increment(@Context HttpHeaders headers) {
        List<String> keys = headers.getRequestHeader(IDEMPOTENCY_KEY);
        if (keys == null || keys.isEmpty()) {
            return Response.ok(new Count(db.increment())).build();
        }
        IdempotencyKey key = keys.size() == 1 ? IdempotencyKey.parse(keys.get(0)).orElse(null) : null;
        if (key == null) {
            throw new Problem(400, "Bad Request", "Send one Idempotency-Key: a quoted string of 1 to "
                    + IdempotencyKey.MAX_LENGTH + " visible ASCII characters, without quotes or backslashes inside,"
                    + " such as \"8e03978e-40d5-43e8-bc93-6894a57f9324\".").toException();
        }
        Increment increment = db.increment(key.value());
        Response.ResponseBuilder response = Response.ok(new Count(increment.count()));
        if (increment.replayed()) {
            response.header(REPLAYED, "true");
        }
        return response.build();
    }

    @GET
    @Produces({Count.TEXT, Count.JSON})
    public Response incrementByGet(@Context HttpHeaders headers) {
        if (!allowGet) {
            throw notAllowed();
        }
        return increment(headers);
    }

    /**
     * JAX-RS would answer HEAD by running the GET method, and so increment: a link checker or
     * {@code curl -I} must not change the count.
     */
    @HEAD
    public void head() {
        throw notAllowed();
    }

    /** 405, with the methods that do work in Allow. */
    private NotAllowedException notAllowed() {
        return allowGet
                ? new NotAllowedException("POST", new String[] {"GET"})
                : new NotAllowedException("POST", new String[0]);
    }
}
