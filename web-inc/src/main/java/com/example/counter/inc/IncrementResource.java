package com.example.counter.inc;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.example.counter.db.ICountDB;
import com.example.counter.rest.Count;
import com.example.counter.rest.CountMediaTypes;

/**
 * {@code POST /inc} adds one and returns the new count. {@code GET /inc} does the same, for the
 * original tutorial's {@code curl localhost/inc}, unless {@code counter.inc.allow-get=false}.
 */
@Path("/")
public class IncrementResource {

    @Inject
    ICountDB db;

    @Inject
    @ConfigProperty(name = "counter.inc.allow-get")
    boolean allowGet;

    @POST
    @Produces({CountMediaTypes.TEXT, CountMediaTypes.JSON})
    public Count increment() {
        return new Count(db.increment());
    }

    @GET
    @Produces({CountMediaTypes.TEXT, CountMediaTypes.JSON})
    public Count incrementByGet() {
        if (!allowGet) {
            throw notAllowed();
        }
        return increment();
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
