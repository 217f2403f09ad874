package com.example.counter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * OpenAPI documents as committed: what Liberty serves, less what depends on who asked or on which
 * WAR happened to start first; and the check that a committed document is what a server renders
 * from the annotations (as {@code openshift/template.yaml} is checked against its sources).
 */
public final class OpenApiDocuments {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private OpenApiDocuments() {
    }

    /**
     * Drops the top-level {@code servers} list, which Liberty fills with the host and port of the
     * request (without it, OpenAPI's default server is {@code /}, the origin the document came from,
     * right through any route), and puts every object's keys and the tags in alphabetical order, as
     * Liberty merges the two WARs' documents in the order they started.
     */
    public static String normalize(String yaml) {
        ObjectNode document = (ObjectNode) YAML.readTree(yaml);
        document.remove("servers");
        if (document.get("tags") instanceof ArrayNode tags) {
            List<JsonNode> sorted = new ArrayList<>();
            tags.forEach(sorted::add);
            sorted.sort(Comparator.comparing(tag -> tag.path("name").asString("")));
            tags.removeAll();
            sorted.forEach(tags::add);
        }
        return YAML.writeValueAsString(sorted(document));
    }

    /**
     * Fails unless the committed file holds this served document. The rendered one is written to
     * the build directory, so bringing the file up to date is one copy, which the message names.
     */
    public static void assertCommitted(Path committed, String served, String renderedName) {
        String rendered = normalize(served);
        Path fresh = Path.of(System.getProperty("counter.test.build-dir", "target"), renderedName);
        try {
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, rendered);
            String current = Files.exists(committed) ? Files.readString(committed) : "";
            assertEquals(current, rendered, () -> committed + " is out of date with the resources' annotations; "
                    + "the rendered document is in " + fresh + ": cp " + fresh + " " + committed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, JsonNode> entries = new TreeMap<>();
            object.properties().forEach(entry -> entries.put(entry.getKey(), sorted(entry.getValue())));
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            entries.forEach(copy::set);
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }
}
