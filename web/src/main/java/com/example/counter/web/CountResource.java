package com.example.counter.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import com.example.counter.db.ICountDB;
import com.example.counter.rest.Count;
import com.example.counter.rest.CountMediaTypes;

/** {@code GET /}: the count as plain text (what {@code curl} shows), JSON, or an HTML page. */
@Path("/")
public class CountResource {

    @Inject
    ICountDB db;

    @Inject
    CountPage page;

    @GET
    @Produces({CountMediaTypes.TEXT, CountMediaTypes.JSON})
    public Count count() {
        return new Count(db.get());
    }

    @GET
    @Produces("text/html;qs=0.8;charset=utf-8")
    public String page() {
        return page.render(db.get());
    }
}
