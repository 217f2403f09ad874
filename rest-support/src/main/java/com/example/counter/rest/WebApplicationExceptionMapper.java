package com.example.counter.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The errors that JAX-RS itself raises (404 no such resource, 405 wrong method, 406 no acceptable
 * representation, 415, 400...) answered as problem details, keeping headers such as {@code Allow}.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    /** Headers of the original response that still hold for the problem response. */
    private static final List<String> KEPT_HEADERS = List.of(HttpHeaders.ALLOW, HttpHeaders.RETRY_AFTER,
            HttpHeaders.WWW_AUTHENTICATE);

    private static final Map<Integer, String> DETAILS = Map.of(
            404, "There is no resource at this path.",
            405, "This resource does not support the request method; see the Allow header.",
            406, "This resource cannot produce a representation that the Accept header allows.",
            415, "This resource does not accept the request's Content-Type.");

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int status = original.getStatus();
        if (status < 400 || isProblem(original)) {
            // A redirect raised as an exception, or a problem this application wrote itself.
            return original;
        }
        Response.ResponseBuilder response = Problem.of(status, DETAILS.get(status)).toResponse();
        KEPT_HEADERS.forEach(name -> {
            String value = original.getHeaderString(name);
            if (value != null) {
                response.header(name, value);
            }
        });
        return response.build();
    }

    private static boolean isProblem(Response response) {
        return response.hasEntity() && response.getMediaType() != null
                && Problem.MEDIA_TYPE.equals(response.getMediaType().getType() + "/" + response.getMediaType().getSubtype());
    }
}
