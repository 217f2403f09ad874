package com.example.counter.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The page's script and style sheet, from the classpath: the JAX-RS application owns every path of
 * this WAR. Separate files rather than inline, so the page's Content-Security-Policy allows no
 * inline code at all.
 */
@ApplicationScoped // one instance for every request (it keeps no request state), not JAX-RS's one per request
@Path("/")
@Tag(name = "page", description = "The HTML page's own files.")
public class AssetResource {

    private static final String SCRIPT = CountPage.resource("counter.js");
    private static final String STYLE = CountPage.resource("counter.css");

    @GET
    @Path("counter.js")
    @Produces("text/javascript;charset=utf-8")
    @Operation(operationId = "getScript", summary = "The page's script")
    @APIResponse(responseCode = "200", description = "The script.",
            content = @Content(mediaType = "text/javascript", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    public String script() {
        return SCRIPT;
    }

    @GET
    @Path("counter.css")
    @Produces("text/css;charset=utf-8")
    @Operation(operationId = "getStyle", summary = "The page's style sheet")
    @APIResponse(responseCode = "200", description = "The style sheet.",
            content = @Content(mediaType = "text/css", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    public String style() {
        return STYLE;
    }
}
