package com.example.counter.system;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;

import com.example.counter.testsupport.Contract;

/** Checks every response the Rest Client receives against the OpenAPI document, as {@code Http} does. */
public class ContractCheckingFilter implements ClientResponseFilter {

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) throws IOException {
        byte[] body = response.hasEntity() ? response.getEntityStream().readAllBytes() : new byte[0];
        response.setEntityStream(new ByteArrayInputStream(body));
        Contract.get().check(request.getMethod(), request.getUri(), response.getStatus(),
                response.getHeaders()::getFirst, new String(body, StandardCharsets.UTF_8));
    }
}
