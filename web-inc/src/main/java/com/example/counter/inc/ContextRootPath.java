package com.example.counter.inc;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;

/**
 * The resource is at this WAR's context root. Left to itself, Liberty documents it as {@code /}
 * under the server {@code .../inc}, and when it merges the services' documents into one it puts the
 * context root in front: {@code "/inc" + "/"}, documenting {@code /inc/} rather than {@code /inc}, the
 * path clients call. So this document states its paths as clients see them through the route,
 * {@code /inc} on the server {@code /}, and Liberty leaves them as they are.
 */
public class ContextRootPath implements OASFilter {

    static final String CONTEXT_ROOT = "/inc";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Paths paths = openAPI.getPaths();
        PathItem root = paths == null ? null : paths.getPathItem("/");
        if (root != null) {
            paths.removePathItem("/");
            paths.addPathItem(CONTEXT_ROOT, root);
        }
        openAPI.setServers(List.of(OASFactory.createServer().url("/")));
    }
}
