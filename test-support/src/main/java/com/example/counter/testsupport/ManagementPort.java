package com.example.counter.testsupport;

import java.net.URI;

/**
 * The server under test's management port: health and metrics, for the platform. It is not part of
 * the public API, so its responses are not checked against the OpenAPI document.
 */
public final class ManagementPort {

    public static final String PROPERTY = "counter.test.management-uri";

    private ManagementPort() {
    }

    public static Http http() {
        String uri = System.getProperty(PROPERTY);
        if (uri == null) {
            throw new IllegalStateException("-D" + PROPERTY + " is not set: the build sets it to the test server's management port");
        }
        return new Http(URI.create(uri)).outsideTheContract();
    }
}
