package com.example.counter.rest;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASModelReader;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The parts of the OpenAPI document that both services share: the schemas of a count and of a
 * problem, the headers, and the error responses that the resources' annotations refer to by name
 * ({@code @APIResponse(responseCode = "503", ref = "Unavailable")}). Written once here rather than
 * in each WAR's annotations, so the two halves of the API cannot describe an error differently.
 * Each WAR uses it through {@code mp.openapi.model.reader} (this module's microprofile-config.properties).
 */
public class ApiComponents implements OASModelReader {

    /** Names of the shared error responses, for {@code @APIResponse(ref = ...)}. */
    public static final String BAD_REQUEST = "BadRequest";
    public static final String NOT_ACCEPTABLE = "NotAcceptable";
    public static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
    public static final String PRECONDITION_FAILED = "PreconditionFailed";
    public static final String CONTENT_TOO_LARGE = "ContentTooLarge";
    public static final String UNAVAILABLE = "Unavailable";
    public static final String SERVER_ERROR = "ServerError";

    /** The answer to an increment (POST and GET /inc). */
    public static final String COUNTED = "Counted";
    /** The Idempotency-Key request header of an increment. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** Names of the shared headers, for {@code @Header(ref = ...)}. */
    public static final String RETRY_AFTER = "Retry-After";
    public static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
    public static final String ALLOW = "Allow";
    public static final String CACHE_CONTROL = "Cache-Control";

    @Override
    public OpenAPI buildModel() {
        Components components = OASFactory.createComponents()
                .addSchema("Count", count())
                .addSchema("CountText", string().pattern("^[0-9]+$").description("The count's digits, as curl prints them."))
                .addSchema("Page", string().description("An HTML page showing the count, with an Increment button."))
                .addSchema("CountEvents", string().description("text/event-stream: 'event: count' with data "
                        + "{\"count\":N}, or 'event: unavailable' with problem details as data."))
                .addSchema("Problem", problem())
                .addHeader(RETRY_AFTER, header("Seconds to wait before trying again.",
                        integer().minimum(BigDecimal.ZERO), true))
                .addHeader(IDEMPOTENT_REPLAYED, header("Present, and true, when this answer is the replay of an earlier "
                        + "request with the same Idempotency-Key: nothing was added this time.",
                        string().enumeration(List.of("true")), false))
                .addHeader(ALLOW, header("The methods this resource supports.", string().minLength(1), true))
                .addHeader(CACHE_CONTROL, header("A count is stale as soon as it is read: never stored.",
                        string().enumeration(List.of("no-store")), true))
                .addParameter(IDEMPOTENCY_KEY, OASFactory.createParameter()
                        .name(IDEMPOTENCY_KEY).in(Parameter.In.HEADER).required(false)
                        .description("Makes an increment safe to retry: a Structured Field string such as "
                                + "\"8e03978e-40d5-43e8-bc93-6894a57f9324\" with its quotes (the bare form is accepted "
                                + "too), 1 to 255 visible ASCII characters without quote or backslash. Send one.")
                        .schema(string().pattern("^\"?[!#-\\[\\]-~]{1,255}\"?$")))
                .addResponse(COUNTED, OASFactory.createAPIResponse()
                        .description("Counted; with Idempotent-Replayed, counted earlier by a request with the same key.")
                        .addHeader(CACHE_CONTROL, ref(CACHE_CONTROL))
                        .addHeader(IDEMPOTENT_REPLAYED, ref(IDEMPOTENT_REPLAYED))
                        .content(OASFactory.createContent()
                                .addMediaType("text/plain", OASFactory.createMediaType()
                                        .schema(OASFactory.createSchema().ref("CountText")))
                                .addMediaType("application/json", OASFactory.createMediaType()
                                        .schema(OASFactory.createSchema().ref("Count")))))
                .addResponse(BAD_REQUEST, problem("A malformed request: an Accept header, an Idempotency-Key, "
                        + "conflicting or duplicated framing headers, or a body that could not be read."))
                .addResponse(METHOD_NOT_ALLOWED, problem("The resource does not support this method.")
                        .addHeader(ALLOW, ref(ALLOW)))
                .addResponse(NOT_ACCEPTABLE, problem("The Accept header rules out every type this resource produces."))
                .addResponse(PRECONDITION_FAILED, problem("An If-Match or If-None-Match condition is false: the "
                        + "count has no entity tag, so no If-Match other than * can hold."))
                .addResponse(CONTENT_TOO_LARGE, problem("This API takes no request body; a large one is refused."))
                .addResponse(UNAVAILABLE, problem("Redis cannot answer now (outage, timeout, circuit breaker open); "
                        + "nothing was changed unless the request carried an Idempotency-Key, whose retry is safe.")
                        .addHeader(RETRY_AFTER, ref(RETRY_AFTER)))
                .addResponse(SERVER_ERROR, problem("An unexpected error; the detail names an incident in the log."));
        return OASFactory.createOpenAPI().components(components);
    }

    private static Schema count() {
        return object()
                .description("The count: {\"count\":3}.")
                .addProperty("count", integer().format("int64").minimum(BigDecimal.ZERO))
                .required(List.of("count"));
    }

    /** RFC 9457 problem details, as {@link Problem} writes them. */
    private static Schema problem() {
        return object()
                .description("RFC 9457 problem details. Never a stack trace, exception text or setting.")
                .addProperty("type", string().format("uri-reference").description("Always about:blank: the status says it all."))
                .addProperty("title", string().minLength(1))
                .addProperty("status", integer().minimum(BigDecimal.valueOf(400)).maximum(BigDecimal.valueOf(599)))
                .addProperty("detail", string())
                .required(List.of("type", "title", "status"));
    }

    private static APIResponse problem(String description) {
        MediaType problem = OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem"));
        return OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, problem))
                .headers(new java.util.LinkedHashMap<>(Map.of(CACHE_CONTROL, ref(CACHE_CONTROL))));
    }

    private static Header header(String description, Schema schema, boolean required) {
        return OASFactory.createHeader().description(description).schema(schema).required(required);
    }

    private static Header ref(String name) {
        return OASFactory.createHeader().ref(name);
    }

    private static Schema object() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT);
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }

    private static Schema integer() {
        return OASFactory.createSchema().addType(SchemaType.INTEGER);
    }
}
