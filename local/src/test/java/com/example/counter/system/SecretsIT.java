package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;

/** The Redis password appears in no response and no log line, also when things go wrong. */
@ExtendWith(LocalSystem.class)
class SecretsIT {

    private static final String PASSWORD = System.getProperty("counter.test.redis.password");
    private static final Path LOGS = Path.of(System.getProperty("counter.test.wlp-dir", "target/liberty/wlp"),
            "usr/servers", System.getProperty("counter.test.server", "counter-it"), "logs");

    @Test
    void thePasswordLeaksNeitherIntoResponsesNorIntoLogs() {
        Http http = LocalSystem.http();
        StringBuilder seen = new StringBuilder();
        LocalSystem.redis().master().stop();
        try {
            await("the outage to show").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> LocalSystem.management().get("/health/ready").statusCode() == 503);
            Stream.of(http.post("/inc"), http.get("/"), LocalSystem.management().get("/health/ready"),
                    LocalSystem.management().get("/health"))
                    .forEach(response -> seen.append(response.headers().map()).append(response.body()));
        } finally {
            LocalSystem.redis().master().start();
        }
        LocalSystem.awaitReady();
        seen.append(LocalSystem.management().get("/health/ready").body());

        assertFalse(PASSWORD == null || PASSWORD.isEmpty(), "the test server must run with a password");
        assertFalse(seen.toString().contains(PASSWORD), "a response carried the Redis password: " + seen);
        assertEquals(List.of(), filesContaining(PASSWORD), "log files carry the Redis password");
    }

    private static List<Path> filesContaining(String secret) {
        try (Stream<Path> files = Files.walk(LOGS)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> read(file).contains(secret))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOGS, e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
