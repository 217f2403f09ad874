package com.example.counter.inc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.NotAllowedException;

import org.junit.jupiter.api.Test;

/**
 * {@code counter.inc.allow-get=false}: the integration tests run with the default (true), which
 * the tutorial needs, so the other setting is checked here.
 */
class IncrementResourceTest {

    private static IncrementResource resource(boolean allowGet) {
        IncrementResource resource = new IncrementResource();
        resource.allowGet = allowGet;
        return resource;
    }

    @Test
    void withGetDisallowedGetIs405AllowingOnlyPost() {
        NotAllowedException refused = assertThrows(NotAllowedException.class,
                () -> resource(false).incrementByGet(null), "GET must not increment when disallowed");

        assertEquals(405, refused.getResponse().getStatus());
        assertEquals("POST", refused.getResponse().getHeaderString("Allow"));
    }

    @Test
    void headNeverIncrementsAndAllowsWhatWorks() {
        assertEquals("GET, POST", String.join(", ",
                assertThrows(NotAllowedException.class, () -> resource(true).head()).getResponse().getAllowedMethods()
                        .stream().sorted().toList()));
        assertEquals("POST", String.join(", ",
                assertThrows(NotAllowedException.class, () -> resource(false).head()).getResponse().getAllowedMethods()));
    }
}
