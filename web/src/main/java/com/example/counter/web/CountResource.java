package com.example.counter.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import com.example.counter.db.ICountDB;
import com.example.counter.rest.Count;

/** {@code GET /}: the count as plain text (what {@code curl} shows), JSON, or an HTML page. */
@Path("/")
public class CountResource {

    /**
     * The page runs only its own script and style sheet and talks only to this origin (for
     * {@code POST /inc}); nothing may frame it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Inject
    ICountDB db;

    @Inject
    CountPage page;

    @GET
    @Produces({Count.TEXT, Count.JSON})
    public Count count() {
        return new Count(db.get());
    }

    @GET
    @Produces("text/html;qs=0.8;charset=utf-8")
    public Response page() {
        return Response.ok(page.render(db.get()))
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .build();
    }
}
