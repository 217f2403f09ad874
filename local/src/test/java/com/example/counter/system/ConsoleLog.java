package com.example.counter.system;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.stream.JsonParsingException;

/**
 * The system tests' server's console output, which a container's runtime collects: with the
 * containers' logging settings, one JSON object per line.
 */
final class ConsoleLog {

    static final Path FILE = Path.of(System.getProperty("counter.test.wlp-dir", "target/liberty/wlp"),
            "usr/servers", System.getProperty("counter.test.server", "counter-it"), "logs", "console.log");

    private ConsoleLog() {
    }

    static List<String> lines() {
        try {
            return Files.readAllLines(FILE, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }

    /**
     * Every line as a JSON object; a line that is not one fails, naming it. Except the warnings
     * that the HotSpot JVM itself prints before Liberty starts (about class data sharing, here):
     * they are not Liberty's to format, and the images' OpenJ9 JVM prints none.
     */
    static List<JsonObject> records() {
        return lines().stream()
                .filter(line -> !line.isBlank() && !line.startsWith("OpenJDK 64-Bit Server VM warning:"))
                .map(ConsoleLog::parse).toList();
    }

    static JsonObject parse(String line) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            return reader.readObject();
        } catch (JsonParsingException e) {
            throw new AssertionError("a console line that is not a JSON object: " + line, e);
        }
    }
}
