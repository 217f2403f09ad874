package com.example.counter.db;

import java.time.Duration;
import java.util.Optional;

/** Settings as MicroProfile Config would bind them, for tests that run without a container. */
final class Configs {

    private Configs() {
    }

    /** The defaults of microprofile-config.properties, with these endpoints and timeout. */
    static CountDBConfig of(String writeUri, String readUri, String password, Duration timeout) {
        CountDBConfig config = new CountDBConfig();
        config.writeUri = writeUri;
        config.readUri = readUri;
        config.password = Optional.of(password);
        config.timeoutMillis = timeout.toMillis();
        config.poolMaxTotal = 4;
        config.poolMinIdle = 0;
        config.readCache = true;
        config.readFallbackMillis = 30_000;
        config.writeMinReplicas = 0;
        config.writeWaitMillis = timeout.toMillis() / 2;
        config.key = "count";
        config.idempotencyTtlSeconds = 3600;
        return config.validate();
    }
}
