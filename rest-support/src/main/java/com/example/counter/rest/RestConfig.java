package com.example.counter.rest;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP settings both services share, with defaults in this module's
 * {@code META-INF/microprofile-config.properties}. Inject with {@code @Inject @ConfigProperties}.
 */
@ConfigProperties(prefix = "counter")
@Dependent
public class RestConfig {

    /** Seconds in the Retry-After header of a 503. */
    @ConfigProperty(name = "retry-after")
    int retryAfterSeconds;

    /** The largest request body accepted (bytes); larger ones get 413. */
    @ConfigProperty(name = "request.max-body")
    int maxBody;

    /** Fails, naming the property, on a setting that makes no sense (the same form as the count store's). */
    public RestConfig validate() {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("counter.retry-after = " + retryAfterSeconds + ": must be 0 or more seconds");
        }
        if (maxBody < 0) {
            throw new IllegalArgumentException("counter.request.max-body = " + maxBody + ": must be 0 or more bytes");
        }
        return this;
    }
}
