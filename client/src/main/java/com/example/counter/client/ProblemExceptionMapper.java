package com.example.counter.client;

import java.io.StringReader;
import java.time.Duration;
import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/** Turns an error response, RFC 9457 problem details or not, into a {@link CounterException}. */
public class ProblemExceptionMapper implements ResponseExceptionMapper<CounterException> {

    private static final MediaType PROBLEM = MediaType.valueOf("application/problem+json");

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }

    @Override
    public CounterException toThrowable(Response response) {
        int status = response.getStatus();
        String title = response.getStatusInfo().getReasonPhrase();
        String detail = null;
        if (response.hasEntity() && PROBLEM.isCompatible(response.getMediaType())) {
            response.bufferEntity();
            try (JsonReader reader = Json.createReader(new StringReader(response.readEntity(String.class)))) {
                JsonObject problem = reader.readObject();
                title = problem.getString("title", title);
                detail = problem.getString("detail", null);
            } catch (JsonException | ClassCastException e) {
                // Not the JSON it claims to be: keep the status line's reason phrase.
            }
        }
        return new CounterException(status, title, detail, retryAfter(response));
    }

    /** Retry-After in its delta-seconds form, the one this service sends. */
    static Optional<Duration> retryAfter(Response response) {
        String value = response.getHeaderString(HttpHeaders.RETRY_AFTER);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
