package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.Route;
import org.junit.jupiter.api.Test;

/** The strict parse that the manifest tests rely on really rejects what the API server would. */
class ManifestsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: %s
              template:
                spec:
                  containers:
                    - name: liberty
                      %s: localhost/counter-web:1.0.0
            """;

    @Test
    void parsesAValidObjectIntoItsModelClass() {
        Manifests manifests = Manifests.parse(DEPLOYMENT.formatted("2", "image"));

        Deployment deployment = manifests.find(Deployment.class, "web").orElseThrow();
        assertEquals(2, deployment.getSpec().getReplicas());
    }

    @Test
    void rejectsAnUnknownFieldAndNamesIt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Manifests.parse(DEPLOYMENT.formatted("2", "imag")));

        assertTrue(error.getMessage().contains("Deployment web") && error.getMessage().contains("\"imag\""),
                error.getMessage());
    }

    @Test
    void rejectsAValueOfTheWrongType() {
        assertThrows(IllegalArgumentException.class, () -> Manifests.parse(DEPLOYMENT.formatted("'2'", "image")));
    }

    @Test
    void parsesOpenShiftObjectsAsStrictly() {
        String route = """
                apiVersion: route.openshift.io/v1
                kind: Route
                metadata:
                  name: web
                spec:
                  %s: counter
                  to:
                    kind: Service
                    name: web
                """;

        assertEquals("counter", Manifests.parse(route.formatted("subdomain")).find(Route.class, "web")
                .orElseThrow().getSpec().getSubdomain());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Manifests.parse(route.formatted("subdomian")));
        assertTrue(error.getMessage().contains("Route web") && error.getMessage().contains("\"subdomian\""),
                error.getMessage());
    }

    @Test
    void rejectsAKindTheModelDoesNotKnow() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Manifests.parse("apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: web\n"));

        assertTrue(error.getMessage().contains("Deploymnet"), error.getMessage());
    }
}
