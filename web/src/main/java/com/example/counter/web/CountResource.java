package com.example.counter.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.example.counter.db.ICountDB;

/**
 * {@code GET /}: the count as plain text (what {@code curl} shows), JSON, or an HTML page, chosen
 * by the Accept header. The {@code qs} factors make plain text win when a client accepts anything.
 */
@Path("/")
public class CountResource {

    @Inject
    ICountDB db;

    @Inject
    CountPage page;

    @GET
    @Produces("text/plain;qs=1;charset=utf-8")
    public String text() {
        return Long.toString(db.get());
    }

    @GET
    @Produces("application/json;qs=0.9")
    public Count json() {
        return new Count(db.get());
    }

    @GET
    @Produces("text/html;qs=0.8;charset=utf-8")
    public String html() {
        return page.render(db.get());
    }
}
