package com.example.counter.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

    /**
     * Adds one, once per key: a retry with the same key (within a day, by default) returns the same
     * count and adds nothing, even when retries race. Use a fresh random key per logical increment.
     *
     * @param idempotencyKey 1 to 255 visible ASCII characters, no quote or backslash (a UUID fits)
     */
    @POST
    @Path("inc")
    @Produces(MediaType.TEXT_PLAIN)
    long increment(@HeaderParam("Idempotency-Key") String idempotencyKey);

    /**
     * Adds exactly one, retrying safely: sends a fresh Idempotency-Key and repeats the request with
     * the same key after a 503/429 (waiting as Retry-After says, up to 30 s) or a lost connection,
     * up to {@link SafeIncrement#ATTEMPTS} attempts.
     *
     * @throws CounterException when the counter refused (4xx) or was still unavailable at the end
     * @throws jakarta.ws.rs.ProcessingException when the last attempt got no answer at all
     */
    default long incrementExactlyOnce() {
        return new SafeIncrement(this).run();
    }
}
