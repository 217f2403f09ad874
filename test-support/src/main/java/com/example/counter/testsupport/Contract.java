package com.example.counter.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API's OpenAPI document ({@code openapi.yaml} at the repository's root, rendered from the
 * resources' annotations), enforced on every response the tests receive: the status must be one the
 * operation documents, every required header must be there and every documented header must match
 * its schema, the Content-Type must be one the response documents and the body must match its
 * schema (JSON Schema 2020-12, OpenAPI 3.1's dialect). A response the document does not allow
 * fails the test that received it.
 *
 * <p>Outside the document: {@code /openapi}, the document itself and its UI. Health and metrics
 * are on the management port, which is no part of the API ({@link ManagementPort}): on the public
 * port they are paths like any other the document does not have, which must be refused with a
 * problem (404, 405 with Allow, or another 4xx) as {@code info.description} says.
 */
public final class Contract {

    /** Where the build says the document is; the repository's root otherwise. */
    public static final String PROPERTY = "counter.test.openapi";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Map<Path, Contract> LOADED = new ConcurrentHashMap<>();

    private final URI location;
    private final JsonNode document;
    private final SchemaRegistry schemas;
    private final Map<String, Schema> schemaCache = new ConcurrentHashMap<>();

    private Contract(Path file) {
        this.location = file.toUri();
        try {
            this.document = YAMLMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the OpenAPI document " + file, e);
        }
        // The validator resolves the document's $refs from this copy, never by fetching a URI.
        String json = JSON.writeValueAsString(document);
        this.schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
                registry -> registry.schemas(Map.of(location.toString(), json)));
    }

    /** The document of this build. */
    public static Contract get() {
        return LOADED.computeIfAbsent(file(), Contract::new);
    }

    public static Path file() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        // Run from a module's directory (an IDE, surefire without the property): the parent's.
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("openapi.yaml")) && Files.exists(dir.resolve("mvnw"))) {
                return dir.resolve("openapi.yaml");
            }
        }
        throw new IllegalStateException("no openapi.yaml above " + here + "; set -D" + PROPERTY);
    }

    public JsonNode document() {
        return document;
    }

    /** The operation for this method and path (a HEAD falls back to the GET it answers like), if any. */
    public Optional<JsonNode> operation(String method, String path) {
        JsonNode item = document.path("paths").path(path);
        if (item.isMissingNode()) {
            return Optional.empty();
        }
        JsonNode operation = item.path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode() && "HEAD".equalsIgnoreCase(method)) {
            operation = item.path("get");
        }
        return operation.isMissingNode() ? Optional.empty() : Optional.of(operation);
    }

    /**
     * Fails the calling test unless this response is one the document allows.
     *
     * @param header a response header's value by name (any case), or null if absent
     */
    public void check(String method, URI target, int status, Function<String, String> header, String body) {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        if (outside(path)) {
            return;
        }
        List<String> problems = new ArrayList<>();
        String where = method + " " + path + " -> " + status;
        JsonNode item = document.path("paths").path(path);
        Optional<JsonNode> operation = operation(method, path);
        if (operation.isEmpty()) {
            // Not an operation of the API: it must be refused as the document's info says.
            if (status < 400 || status >= 500) {
                problems.add("not an operation of the API, yet answered " + status);
            } else {
                checkBody("#/components/schemas/Problem", "application/problem+json", header, body, problems);
                if (status == 405 && !item.isMissingNode() && isBlank(header.apply("Allow"))) {
                    problems.add("a 405 names the allowed methods in Allow");
                }
            }
        } else {
            String pointer = pointerTo(method, path, operation.get(), status);
            if (pointer == null) {
                problems.add("status " + status + " is not documented for this operation");
            } else {
                checkResponse(pointer, "HEAD".equalsIgnoreCase(method), header, body, problems);
            }
        }
        if (!problems.isEmpty()) {
            fail("The response breaks the OpenAPI contract (" + location + "): " + where + ": " + problems
                    + "\nContent-Type: " + header.apply("Content-Type") + "\n" + abbreviate(body));
        }
    }

    /** The OpenAPI document and its UI, which the document does not describe. */
    private static boolean outside(String path) {
        return path.equals("/openapi") || path.startsWith("/openapi/");
    }

    /** A JSON pointer to the response object for this status, following a $ref, or null. */
    private String pointerTo(String method, String path, JsonNode operation, int status) {
        String verb = operation == document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT))
                ? method.toLowerCase(Locale.ROOT) : "get";
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            return null;
        }
        if (response.has("$ref")) {
            return response.get("$ref").asString();
        }
        return "#/paths/" + escape(path) + "/" + verb + "/responses/" + status;
    }

    private void checkResponse(String pointer, boolean head, Function<String, String> header, String body,
            List<String> problems) {
        JsonNode response = at(pointer);
        response.path("headers").properties().forEach(entry -> {
            String name = entry.getKey();
            String headerPointer = entry.getValue().has("$ref") ? entry.getValue().get("$ref").asString()
                    : pointer + "/headers/" + escape(name);
            JsonNode definition = at(headerPointer);
            String value = header.apply(name);
            if (value == null) {
                if (definition.path("required").asBoolean(false)) {
                    problems.add("the required header " + name + " is missing");
                }
                return;
            }
            validate(headerPointer + "/schema", headerValue(at(headerPointer + "/schema"), value), "header " + name,
                    problems);
        });
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!head && body != null && !body.isEmpty()) {
                problems.add("the response documents no content, yet has a body");
            }
            return;
        }
        String type = mediaType(header.apply("Content-Type"));
        if (!content.has(type)) {
            problems.add("Content-Type " + type + " is not one of " + content.propertyNames());
            return;
        }
        if (!head) {
            checkBody(pointer + "/content/" + escape(type) + "/schema", type, header, body, problems);
        }
    }

    private void checkBody(String schemaPointer, String expectedType, Function<String, String> header, String body,
            List<String> problems) {
        String type = mediaType(header.apply("Content-Type"));
        if (!expectedType.equals(type)) {
            problems.add("Content-Type " + type + ", expected " + expectedType);
            return;
        }
        if ("text/event-stream".equals(type)) {
            return; // a stream: read by the tests that follow it, event by event
        }
        JsonNode instance;
        if (type.endsWith("json")) {
            try {
                instance = JSON.readTree(body == null ? "" : body);
            } catch (RuntimeException e) {
                problems.add("the body is not JSON");
                return;
            }
        } else {
            instance = JsonNodeFactory.instance.stringNode(body == null ? "" : body);
        }
        validate(schemaPointer, instance, "body", problems);
    }

    private void validate(String pointer, JsonNode instance, String what, List<String> problems) {
        Schema schema = schemaCache.computeIfAbsent(pointer, p -> schemas.getSchema(SchemaLocation.of(location + p)));
        for (Error error : schema.validate(instance)) {
            problems.add(what + ": " + error);
        }
    }

    /** A header's value as the JSON its schema describes: a number for an integer schema. */
    private static JsonNode headerValue(JsonNode schema, String value) {
        if ("integer".equals(schema.path("type").asString(""))) {
            try {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.stringNode(value);
            }
        }
        return JsonNodeFactory.instance.stringNode(value);
    }

    private JsonNode at(String pointer) {
        JsonNode node = document.at(pointer.startsWith("#") ? pointer.substring(1) : pointer);
        if (node.isMissingNode()) {
            throw new IllegalStateException("the document has nothing at " + pointer);
        }
        return node;
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** A path or media type as one JSON-pointer token (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
