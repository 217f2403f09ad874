package com.example.counter.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Fails the deployment, naming the setting, when one of this module's settings makes no sense. */
@ApplicationScoped
public class RestSettingsCheck {

    void onStartup(@Observes Startup startup,
            @ConfigProperty(name = "counter.retry-after") int retryAfterSeconds,
            @ConfigProperty(name = "counter.request.max-body") int maxBody) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("counter.retry-after must be 0 or more seconds, not " + retryAfterSeconds);
        }
        if (maxBody < 0) {
            throw new IllegalArgumentException("counter.request.max-body must be 0 or more bytes, not " + maxBody);
        }
    }
}
