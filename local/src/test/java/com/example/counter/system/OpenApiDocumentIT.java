package com.example.counter.system;

import static com.example.counter.testsupport.Responses.assertStatus;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Contract;
import com.example.counter.testsupport.OpenApiDocuments;

/**
 * The committed {@code openapi.yaml}, the one document of the whole API, is what this server, which
 * has both WARs routed as the route routes them, serves at {@code /openapi}. A change to the API
 * shows in the diff of that file, and a forgotten render fails here.
 */
@ExtendWith(LocalSystem.class)
class OpenApiDocumentIT {

    @Test
    void theCommittedDocumentIsWhatTheServerServes() {
        HttpResponse<String> served = LocalSystem.http().get("/openapi", "application/yaml");
        assertStatus(200, served);
        OpenApiDocuments.assertCommitted(Contract.file(), served.body(), "openapi.yaml");
    }

    @Test
    void aUiToTryTheApi() {
        HttpResponse<String> ui = LocalSystem.http().get("/openapi/ui/", "text/html");
        assertStatus(200, ui);
        assertTrue(ui.body().contains("<html") || ui.body().contains("<!DOCTYPE"), "the OpenAPI UI page: " + ui.body());
    }
}
