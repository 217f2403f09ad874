package com.example.counter.system;

import static com.example.counter.testsupport.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Contract;

/**
 * The committed {@code openapi.yaml} is what the services' annotations produce: Liberty merges the
 * documents of both WARs, which share this server as they share the route, into the one document of
 * the whole API. A change to the API shows in the diff of that file, and a forgotten render fails
 * here (as {@code openshift/template.yaml} is checked against its sources).
 */
@ExtendWith(LocalSystem.class)
class OpenApiDocumentIT {

    @Test
    void theCommittedDocumentIsWhatTheAnnotationsProduce() throws IOException {
        HttpResponse<String> served = LocalSystem.http().get("/openapi", "application/yaml");
        assertStatus(200, served);
        String rendered = OpenApiDocuments.normalize(served.body());
        Path committed = Contract.file();
        Path fresh = Path.of(System.getProperty("counter.test.build-dir", "target"), "openapi.yaml");
        Files.writeString(fresh, rendered);

        assertEquals(Files.readString(committed), rendered, () -> "openapi.yaml is out of date with the resources' "
                + "annotations; the rendered document is in " + fresh + ": cp " + fresh + " " + committed);
    }

    @Test
    void aUiToTryTheApi() {
        HttpResponse<String> ui = LocalSystem.http().get("/openapi/ui/", "text/html");
        assertStatus(200, ui);
        assertTrue(ui.body().contains("<html") || ui.body().contains("<!DOCTYPE"), "the OpenAPI UI page: " + ui.body());
    }
}
