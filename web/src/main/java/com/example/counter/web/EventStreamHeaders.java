package com.example.counter.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * An event stream must reach the browser event by event. Reverse proxies that buffer responses
 * (ingress-nginx does by default) would hold the events back; {@code X-Accel-Buffering: no} asks
 * them not to, without a setting on every Ingress.
 */
@Provider
public class EventStreamHeaders implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(response.getMediaType())) {
            response.getHeaders().putSingle("X-Accel-Buffering", "no");
        }
    }
}
