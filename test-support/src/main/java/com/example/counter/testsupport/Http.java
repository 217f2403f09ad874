package com.example.counter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP calls the way curl or a browser makes them, against one base URL. Every response is checked
 * against the API's OpenAPI document ({@link Contract}) before the test sees it.
 */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final URI base;
    private final boolean checked;

    public Http(URI base) {
        this(base, true);
    }

    private Http(URI base, boolean checked) {
        this.base = base;
        this.checked = checked;
    }

    /**
     * The same calls, unchecked, for the rare test of a server that deliberately is not the whole
     * API (web-inc's test server has nothing at {@code /}).
     */
    public Http outsideTheContract() {
        return new Http(base, false);
    }

    public Http(String base) {
        this(URI.create(base));
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<String> get(String path, String accept) {
        return send(request(path).header("Accept", accept).GET().build());
    }

    public HttpResponse<String> post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> post(String path, String accept) {
        return send(request(path).header("Accept", accept).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> method(String method, String path) {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (checked) {
                Contract.get().check(request.method(), response.uri(), response.statusCode(),
                        name -> response.headers().firstValue(name).orElse(null), response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
