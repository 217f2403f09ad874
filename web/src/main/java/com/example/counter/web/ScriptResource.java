package com.example.counter.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** The page's script, from the classpath: the JAX-RS application owns every path of this WAR. */
@Path("counter.js")
public class ScriptResource {

    private static final String SCRIPT = CountPage.resource("counter.js");

    @GET
    @Produces("text/javascript;charset=utf-8")
    public String script() {
        return SCRIPT;
    }
}
