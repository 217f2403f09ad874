package com.example.counter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Secrets that the operator creates before applying, never committed: each overlay or component
 * that expects one declares it in its operator-provided.yaml, with the keys it must have.
 */
final class OperatorProvided {

    static final String FILE = "operator-provided.yaml";

    private final Map<String, Set<String>> secrets;

    private OperatorProvided(Map<String, Set<String>> secrets) {
        this.secrets = secrets;
    }

    /** What the overlay and every component of the combination declare. */
    static OperatorProvided of(Combination combination) {
        Map<String, Set<String>> secrets = new HashMap<>();
        Stream.concat(Stream.of(combination.overlay()), combination.components().stream())
                .map(dir -> dir.resolve(FILE))
                .filter(Files::isRegularFile)
                .forEach(file -> read(file).path("secrets").properties().forEach(secret -> {
                    Set<String> keys = secrets.computeIfAbsent(secret.getKey(), name -> new HashSet<>());
                    secret.getValue().forEach(key -> keys.add(key.asText()));
                }));
        return new OperatorProvided(secrets);
    }

    /** Nothing: the objects bring everything they need. */
    static OperatorProvided nothing() {
        return new OperatorProvided(Map.of());
    }

    Set<String> secretNames() {
        return secrets.keySet();
    }

    boolean hasSecret(String name) {
        return secrets.containsKey(name);
    }

    Set<String> secretKeys(String name) {
        return secrets.getOrDefault(name, Set.of());
    }

    private static JsonNode read(Path file) {
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + Repository.relative(file), e);
        }
    }
}
