package com.example.counter.system;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.client.CounterClient;
import com.example.counter.client.CounterException;
import com.example.counter.testsupport.Contract;

import tools.jackson.databind.JsonNode;

/**
 * The Rest Client against the same OpenAPI document: every method it declares is an operation of
 * the document, asks for a type the operation's 200 produces, and sends only headers the operation
 * documents. Its calls' responses are checked at run time by {@link ContractCheckingFilter} (every
 * test that uses {@link LocalSystem#client()}).
 */
@ExtendWith(LocalSystem.class)
class CounterClientContractIT {

    @Test
    void everyMethodOfTheClientIsAnOperationOfTheDocument() {
        Contract contract = Contract.get();
        List<Method> calls = Arrays.stream(CounterClient.class.getMethods())
                .filter(method -> httpMethod(method) != null)
                .toList();
        assertTrue(calls.size() >= 3, "the client's calls: " + calls);
        for (Method call : calls) {
            String path = path(call);
            JsonNode operation = contract.operation(httpMethod(call), path)
                    .orElseThrow(() -> new AssertionError(call + ": " + httpMethod(call) + " " + path
                            + " is not an operation of the document"));
            JsonNode ok = resolve(contract, operation.path("responses").path("200"));
            for (String type : call.getAnnotation(Produces.class).value()) {
                assertTrue(ok.path("content").has(type), call + " asks for " + type + ", which " + path + " does not "
                        + "produce: " + ok.path("content").propertyNames());
            }
            for (Parameter parameter : call.getParameters()) {
                HeaderParam header = parameter.getAnnotation(HeaderParam.class);
                if (header != null) {
                    boolean documented = false;
                    for (JsonNode documentedParameter : operation.path("parameters")) {
                        JsonNode resolved = resolve(contract, documentedParameter);
                        documented |= resolved.path("in").asString("").equals("header")
                                && resolved.path("name").asString("").equals(header.value());
                    }
                    assertTrue(documented, call + " sends the header " + header.value() + ", undocumented for " + path);
                }
            }
        }
    }

    @Test
    void theClientsCallsAreCheckedAgainstTheDocument() throws Exception {
        try (CounterClient counter = LocalSystem.client()) {
            long now = counter.count();
            long next = counter.increment();
            // A read may trail an increment by the replication delay (README), never the other way.
            assertTrue(next > now, "the increment answered " + next + " after a read of " + now);
            await("a read to show the increment").atMost(Duration.ofSeconds(5)).until(() -> counter.count() >= next);
            String key = "\"" + java.util.UUID.randomUUID() + "\"";
            long first = counter.increment(key);
            assertEquals(first, counter.increment(key), "a replay");
            CounterException refused = assertThrows(CounterException.class, () -> counter.increment("\"two words\""));
            assertEquals(400, refused.status());
        }
    }

    private static JsonNode resolve(Contract contract, JsonNode node) {
        return node.has("$ref") ? contract.document().at(node.get("$ref").asString().substring(1)) : node;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String path(Method method) {
        String root = CounterClient.class.getAnnotation(Path.class).value();
        Path sub = method.getAnnotation(Path.class);
        String joined = sub == null ? root : root.replaceAll("/$", "") + "/" + sub.value().replaceAll("^/", "");
        return joined.isEmpty() ? "/" : joined;
    }
}
