package com.example.counter.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The counter's public API, as seen through its route or Ingress: {@code GET /} reads the count,
 * {@code POST /inc} increments it.
 *
 * <p>In a MicroProfile application, inject it with {@code @Inject @RestClient CounterClient} and set
 * {@code counter/mp-rest/url} (or {@code quarkus.rest-client.counter.url} on Quarkus) to the route's
 * URL. Elsewhere: {@code RestClientBuilder.newBuilder().baseUri(uri).build(CounterClient.class)}.
 *
 * <p>Errors arrive as {@link CounterException}, carrying the server's problem details.
 */
@RegisterRestClient(configKey = "counter")
@RegisterProvider(ProblemExceptionMapper.class)
@Path("/")
public interface CounterClient extends AutoCloseable {

    /** The current count. It can trail a just-acknowledged increment by the replication delay. */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    long count();

    /**
     * Adds one and returns the new count. Not idempotent: after a failure with no answer, the
     * increment may or may not have happened.
     */
    @POST
    @Path("inc")
    @Produces(MediaType.TEXT_PLAIN)
    long increment();
}
