package com.example.counter.system;

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
 * The OpenAPI document as committed: what Liberty serves, less what depends on who asked or on
 * which WAR happened to start first.
 */
final class OpenApiDocuments {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private OpenApiDocuments() {
    }

    /**
     * Drops the top-level {@code servers} list, which Liberty fills with the host and port of the
     * request (without it, OpenAPI's default server is {@code /}, the origin the document came from,
     * right through any route), and puts every object's keys and the tags in alphabetical order, as
     * Liberty merges the two WARs' documents in the order they started.
     */
    static String normalize(String yaml) {
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
