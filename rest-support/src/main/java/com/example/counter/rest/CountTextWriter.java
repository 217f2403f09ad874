package com.example.counter.rest;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

/**
 * {@link Count} as plain text: just the digits, so {@code curl} prints {@code 3}. With it a resource
 * method returns a {@code Count} and JAX-RS picks text or JSON from the Accept header.
 */
@Provider
@Produces(MediaType.TEXT_PLAIN)
public class CountTextWriter implements MessageBodyWriter<Count> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == Count.class;
    }

    @Override
    public void writeTo(Count count, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream entity) throws java.io.IOException {
        entity.write(Long.toString(count.count()).getBytes(StandardCharsets.US_ASCII));
    }
}
