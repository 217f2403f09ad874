package com.example.counter.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * The page's script and style sheet, from the classpath: the JAX-RS application owns every path of
 * this WAR. Separate files rather than inline, so the page's Content-Security-Policy allows no
 * inline code at all.
 */
@Path("/")
public class AssetResource {

    private static final String SCRIPT = CountPage.resource("counter.js");
    private static final String STYLE = CountPage.resource("counter.css");

    @GET
    @Path("counter.js")
    @Produces("text/javascript;charset=utf-8")
    public String script() {
        return SCRIPT;
    }

    @GET
    @Path("counter.css")
    @Produces("text/css;charset=utf-8")
    public String style() {
        return STYLE;
    }
}
