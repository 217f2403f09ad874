package com.example.counter.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.example.counter.rest.ApiComponents;

/** {@code GET /events}: the count as server-sent events, for the live page (see {@link CountFeed}). */
@ApplicationScoped // one instance for every request (it keeps no request state), not JAX-RS's one per request
@Path("events")
@Tag(name = "count")
public class CountEventsResource {

    @Inject
    CountFeed feed;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(operationId = "countEvents", summary = "The count as it changes (server-sent events)",
            description = "An event stream (EventSource): a 'count' event with {\"count\":N} at once and whenever "
                    + "the count changes (at the latest about once a second after an increment, and at least every "
                    + "15 s as a heartbeat); an 'unavailable' event with problem details while Redis cannot answer. "
                    + "The stream stays open; a client that loses it reconnects (the events carry a retry delay).")
    @APIResponse(responseCode = "200", description = "The stream.",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(ref = "CountEvents")))
    @APIResponse(responseCode = "400", ref = ApiComponents.BAD_REQUEST)
    @APIResponse(responseCode = "406", ref = ApiComponents.NOT_ACCEPTABLE)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        feed.subscribe(sink, sse);
    }
}
