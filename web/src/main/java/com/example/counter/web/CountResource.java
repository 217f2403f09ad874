package com.example.counter.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.example.counter.db.ICountDB;
import com.example.counter.rest.ApiComponents;
import com.example.counter.rest.Count;

/** {@code GET /}: the count as plain text (what {@code curl} shows), JSON, or an HTML page. */
@ApplicationScoped // one instance for every request (it keeps no request state), not JAX-RS's one per request
@Path("/")
@Tag(name = "count", description = "Reading the count (the query side: served from the Redis read endpoint).")
public class CountResource {

    /**
     * The page runs only its own script and style sheet and talks only to this origin (for
     * {@code POST /inc} and the {@code /events} stream); nothing may frame it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Inject
    ICountDB db;

    @Inject
    CountPage page;

    @GET
    @Produces({Count.TEXT, Count.JSON})
    @Operation(operationId = "getCount", summary = "The current count",
            description = "Plain text by default (curl's */*: just the digits), JSON on request, an HTML page for "
                    + "a browser (its Accept prefers text/html). It can trail a just-answered increment by the "
                    + "replication delay. HEAD answers the same headers without the body.")
    @APIResponse(responseCode = "200", description = "The count.",
            headers = @Header(name = ApiComponents.CACHE_CONTROL, ref = ApiComponents.CACHE_CONTROL),
            content = {
                @Content(mediaType = "text/plain", schema = @Schema(ref = "CountText")),
                @Content(mediaType = "application/json", schema = @Schema(ref = "Count")),
                @Content(mediaType = "text/html", schema = @Schema(ref = "Page"))})
    @APIResponse(responseCode = "304", description = "If-None-Match: * never holds for the count (there always is "
            + "one), so a GET with it is answered Not Modified, with no body.")
    @APIResponse(responseCode = "400", ref = ApiComponents.BAD_REQUEST)
    @APIResponse(responseCode = "406", ref = ApiComponents.NOT_ACCEPTABLE)
    @APIResponse(responseCode = "412", ref = ApiComponents.PRECONDITION_FAILED)
    @APIResponse(responseCode = "413", ref = ApiComponents.CONTENT_TOO_LARGE)
    @APIResponse(responseCode = "500", ref = ApiComponents.SERVER_ERROR)
    @APIResponse(responseCode = "503", description = "Redis cannot answer now: problem details, or for a browser "
            + "the page saying so, which shows the count by itself once Redis is back.",
            headers = {
                @Header(name = ApiComponents.RETRY_AFTER, ref = ApiComponents.RETRY_AFTER),
                @Header(name = ApiComponents.CACHE_CONTROL, ref = ApiComponents.CACHE_CONTROL)},
            content = {
                @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")),
                @Content(mediaType = "text/html", schema = @Schema(ref = "Page"))})
    public Count count() {
        return new Count(db.get());
    }

    /** The same operation as {@link #count()} for a browser: documented there, as OpenAPI has one GET per path. */
    @GET
    @Produces("text/html;qs=0.8;charset=utf-8")
    @Operation(hidden = true)
    public Response page() {
        return Response.ok(page.render(db.get()))
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .build();
    }

    @OPTIONS
    @Operation(operationId = "optionsCount", summary = "The methods / supports")
    @APIResponse(responseCode = "204", description = "No content; the methods are in Allow.",
            headers = @Header(name = ApiComponents.ALLOW, ref = ApiComponents.ALLOW))
    public Response options() {
        return Response.noContent().header(HttpHeaders.ALLOW, "GET, HEAD, OPTIONS").build();
    }
}
