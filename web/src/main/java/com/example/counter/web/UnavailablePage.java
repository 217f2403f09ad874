package com.example.counter.web;

import java.lang.reflect.Method;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * A browser that opens the page while Redis cannot answer gets the page, saying so politely, rather
 * than the problem details every other client gets; the page then follows the event stream and shows
 * the count as soon as Redis is back. The status stays 503 with Retry-After, as FailureMapper set it
 * (which also told the readiness checks): only the body changes.
 */
@Provider
public class UnavailablePage implements ContainerResponseFilter {

    private static final Method PAGE;

    static {
        try {
            PAGE = CountResource.class.getMethod("page");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Context
    ResourceInfo resource;

    @Inject
    CountPage page;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 503 && PAGE.equals(resource.getResourceMethod())) {
            response.setEntity(page.renderUnavailable(), null, MediaType.valueOf("text/html;charset=utf-8"));
            response.getHeaders().putSingle("Content-Security-Policy", CountResource.CONTENT_SECURITY_POLICY);
        }
    }
}
