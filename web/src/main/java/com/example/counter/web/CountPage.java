package com.example.counter.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The HTML page: the count and a button that POSTs to {@code /inc}. Self-contained (no CDN, works
 * offline); its script and style are served by {@link AssetResource}, so the page needs no inline code.
 */
@ApplicationScoped
public class CountPage {

    private static final String COUNT = "{{count}}";
    private static final String STATUS = "{{status}}";
    /** The same words as the page's script uses when the event stream says so. */
    static final String UNAVAILABLE = "The counter is unavailable right now. This page will update by itself when it is back.";

    private final String template = resource("count.html");

    /** The count is a number, so it needs no HTML escaping. */
    public String render(long count) {
        return template.replace(COUNT, Long.toString(count)).replace(STATUS, "");
    }

    /** The page without a count, saying why; its script fills the count in once Redis answers. */
    public String renderUnavailable() {
        return template.replace(COUNT, "\u2013").replace(STATUS, UNAVAILABLE);
    }

    static String resource(String name) {
        try (InputStream in = CountPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
