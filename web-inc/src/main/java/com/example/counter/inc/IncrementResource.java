package com.example.counter.inc;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.example.counter.db.ICountDB;
import com.example.counter.db.Increment;
import com.example.counter.rest.ApiComponents;
import com.example.counter.rest.Count;
import com.example.counter.rest.Problem;

/**
 * {@code POST /inc} adds one and returns the new count. {@code GET /inc} does the same, for the
 * original tutorial's {@code curl localhost/inc}, unless {@code counter.inc.allow-get=false}.
 *
 * <p>With an {@code Idempotency-Key} header, the first request increments and every retry with the
 * same key gets the same count back (marked {@code Idempotent-Replayed: true}) without incrementing.
 */
@ApplicationScoped // one instance for every request (it keeps no request state), not JAX-RS's one per request
@Path("/")
@Tag(name = "increment", description = "Incrementing the count (the command side: written to the Redis master).")
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
    @Operation(operationId = "increment", summary = "Add one, and get the new count",
            description = "Not idempotent by itself: after a 503 or a lost answer the increment may or may not have "
                    + "happened. With an Idempotency-Key it is: the first request with a key increments, every retry "
                    + "with the same key (remembered for a day) gets the same count back, marked "
                    + "Idempotent-Replayed: true, and adds nothing. The request takes no body; a request whose body "
                    + "cannot be read to its end is refused and counts nothing.")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, ref = ApiComponents.IDEMPOTENCY_KEY)
    @APIResponse(responseCode = "200", ref = ApiComponents.COUNTED)
    @APIResponse(responseCode = "400", ref = ApiComponents.BAD_REQUEST)
    @APIResponse(responseCode = "406", ref = ApiComponents.NOT_ACCEPTABLE)
    @APIResponse(responseCode = "412", ref = ApiComponents.PRECONDITION_FAILED)
    @APIResponse(responseCode = "413", ref = ApiComponents.CONTENT_TOO_LARGE)
    @APIResponse(responseCode = "500", ref = ApiComponents.SERVER_ERROR)
    @APIResponse(responseCode = "503", ref = ApiComponents.UNAVAILABLE)
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
        Increment increment = db.incrementOnce(key.value());
        Response.ResponseBuilder response = Response.ok(new Count(increment.count()));
        if (increment.replayed()) {
            response.header(REPLAYED, "true");
        }
        return response.build();
    }

    @GET
    @Produces({Count.TEXT, Count.JSON})
    @Operation(operationId = "incrementByGet", summary = "The same as POST, for the tutorial's curl localhost/inc",
            description = "Increments, like POST (Idempotency-Key included), unless counter.inc.allow-get=false: then "
                    + "405. HEAD is always 405: JAX-RS would run this GET for it, and a link checker or curl -I must "
                    + "not change the count.")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, ref = ApiComponents.IDEMPOTENCY_KEY)
    @APIResponse(responseCode = "200", ref = ApiComponents.COUNTED)
    @APIResponse(responseCode = "304", description = "If-None-Match: * (never holds): nothing counted.")
    @APIResponse(responseCode = "400", ref = ApiComponents.BAD_REQUEST)
    @APIResponse(responseCode = "405", ref = ApiComponents.METHOD_NOT_ALLOWED)
    @APIResponse(responseCode = "406", ref = ApiComponents.NOT_ACCEPTABLE)
    @APIResponse(responseCode = "412", ref = ApiComponents.PRECONDITION_FAILED)
    @APIResponse(responseCode = "413", ref = ApiComponents.CONTENT_TOO_LARGE)
    @APIResponse(responseCode = "500", ref = ApiComponents.SERVER_ERROR)
    @APIResponse(responseCode = "503", ref = ApiComponents.UNAVAILABLE)
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
    @Operation(hidden = true) // documented with GET: a HEAD is a GET without the body, here refused
    public void head() {
        throw notAllowed();
    }

    @OPTIONS
    @Operation(operationId = "optionsIncrement", summary = "The methods /inc supports")
    @APIResponse(responseCode = "204", description = "No content; the methods are in Allow.",
            headers = @Header(name = ApiComponents.ALLOW, ref = ApiComponents.ALLOW))
    public Response options() {
        return Response.noContent().header(HttpHeaders.ALLOW, allowGet ? "POST, GET, OPTIONS" : "POST, OPTIONS").build();
    }

    /** 405, with the methods that do work in Allow. */
    private NotAllowedException notAllowed() {
        return allowGet
                ? new NotAllowedException("POST", new String[] {"GET"})
                : new NotAllowedException("POST", new String[0]);
    }
}
