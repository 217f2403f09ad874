package com.example.counter.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Started once CDI has started the application with valid settings (a bad one stops the
 * deployment, naming the property). Like liveness, it does not wait for Redis: a pod may start
 * while Redis is still coming up.
 */
@org.eclipse.microprofile.health.Startup
@ApplicationScoped
public class ApplicationStartedCheck implements HealthCheck {

    private volatile boolean started;

    void onStartup(@Observes Startup startup, @ConfigProperties RestConfig config) {
        config.validate();
        started = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("application").status(started).build();
    }
}
