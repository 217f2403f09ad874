package com.example.counter.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.example.counter.testsupport.RawHttp;
import com.example.counter.testsupport.Responses;

/**
 * Malformed and hostile requests: each gets the right 4xx as problem details, never a 5xx, and the
 * count does not move.
 */
@ExtendWith(LocalSystem.class)
class HostileRequestsIT {

    private static final String KEY_256 = "k".repeat(256);
    private static final String KEY_8K = "k".repeat(8 * 1024);

    static Stream<Arguments> requests() {
        return Stream.of(
                // method, target, expected status, body size, header lines
                request("DELETE", "/inc", 405),
                request("PUT", "/inc", 405),
                request("PATCH", "/inc", 405),
                request("TRACE", "/inc", 405),
                request("FROBNICATE", "/inc", 405),
                request("DELETE", "/", 405),
                request("POST", "/", 405),
                request("POST", "/inc", 406, "Accept: image/png"),
                request("POST", "/inc", 406, "Accept: application/xml"),
                request("GET", "/inc", 406, "Accept: text/html"),
                request("GET", "/", 406, "Accept: image/png"),
                request("POST", "/inc", 400, "Accept: text/plain;q=lots"),
                request("POST", "/inc", 400, "Accept: text/plain;q=7"),
                request("POST", "/inc", 400, "Accept: ;;;"),
                request("POST", "/inc", 400, "Idempotency-Key: \"\""),
                request("POST", "/inc", 400, "Idempotency-Key: " + KEY_256),
                request("POST", "/inc", 400, "Idempotency-Key: " + KEY_8K),
                request("POST", "/inc", 400, "Idempotency-Key: \"two words\""),
                request("POST", "/inc", 400, "Idempotency-Key: \"back\\\\slash\""),
                request("POST", "/inc", 400, "Idempotency-Key: \"caf\u00e9\""),
                request("POST", "/inc", 400, "Idempotency-Key: \"one\"", "Idempotency-Key: \"two\""),
                request("GET", "/inc", 400, "Idempotency-Key: \"a\"b\""),
                body("POST", "/inc", 413, 2 * 1024),
                body("POST", "/inc", 413, 1024 * 1024),
                request("GET", "/inc/extra", 404),
                request("POST", "/inc/inc", 404),
                request("GET", "/WEB-INF/ibm-web-ext.xml", 404),
                request("GET", "/inc/WEB-INF/web.xml", 404),
                request("GET", "/inc/../WEB-INF/ibm-web-ext.xml", 404),
                request("GET", "/META-INF/MANIFEST.MF", 404),
                request("GET", "/.problem", 404),
                request("GET", "/" + "a".repeat(8 * 1024), 404),
                // Accept ruling out everything this API produces (q=0 is "not acceptable", RFC 9110 12.5.1)
                request("GET", "/", 406, "Accept: text/plain;q=0, application/json;q=0, text/html;q=0"),
                request("POST", "/inc", 406, "Accept: text/plain;q=0, application/json;q=0"),
                request("POST", "/inc", 406, "Accept: */*;q=0"),
                // Preconditions on a count that has no entity tag (RFC 9110 13.1)
                request("POST", "/inc", 412, "If-Match: \"abc\""),
                request("GET", "/inc", 412, "If-Match: \"abc\""),
                request("POST", "/inc", 412, "If-None-Match: *"),
                request("GET", "/", 412, "If-Match: W/\"1\""),
                // Ambiguous framing (RFC 9112 3.2): one Host only
                request("GET", "/", 400, "Host: other.example"),
                request("POST", "/inc", 400, "Host: other.example"),
                // Bodies on requests that take none: read to the end first, then refused or ignored
                body("GET", "/", 413, 4 * 1024),
                body("POST", "/", 405, 16));
    }

    /** Bodies whose framing is broken: the server cannot read them to their end, so nothing is counted. */
    static Stream<Arguments> unreadableBodies() {
        return Stream.of(
                Arguments.of("a chunk size that is not hex", "zz\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a chunk longer than its size", "2\r\nabcdef\r\n0\r\n\r\n"),
                Arguments.of("a negative chunk size", "-1\r\nabc\r\n0\r\n\r\n"));
    }

    @ParameterizedTest(name = "chunked POST /inc with {0} -> 400")
    @MethodSource("unreadableBodies")
    void aBodyThatCannotBeReadCountsNothing(String what, String chunked) {
        long before = LocalSystem.storedCount();

        RawHttp.Reply reply = new RawHttp(LocalSystem.BASE).sendFramed("POST", "/inc",
                chunked.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "Transfer-Encoding: chunked");

        assertEquals(400, reply.status(), () -> what + ": answered " + reply);
        Responses.assertProblem(400, reply.header("Content-Type"), reply.body());
        assertEquals(before, LocalSystem.storedCount(), "a request the server could not read must not count");
    }

    /**
     * Requests refused by Liberty's web container before any application runs (RFC 3986-invalid
     * encodings, an encoded dot-segment or NUL): a bare 400 in Liberty's words, outside the contract
     * (the README's known limits), but never a success and never a count.
     */
    @ParameterizedTest(name = "GET {0} -> Liberty's 400")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/%2e%2e/WEB-INF/web.xml", "/inc/%2e%2e/%2e%2e/", "/%00",
        "/inc%00", "/%zz"})
    void pathsLibertyRefusesItselfAre400AndCountNothing(String target) {
        long before = LocalSystem.storedCount();

        RawHttp.Reply reply = new RawHttp(LocalSystem.BASE).outsideTheContract().send("GET", target);

        assertEquals(400, reply.status(), () -> "answered " + reply);
        assertTrue(!reply.body().contains("Exception") && !reply.body().contains(".java:"), () -> "no stack trace: " + reply);
        assertEquals(before, LocalSystem.storedCount(), "a refused request must not change the count");
    }

    private static Arguments request(String method, String target, int status, String... headers) {
        return Arguments.of(method, target, status, 0, headers);
    }

    private static Arguments body(String method, String target, int status, int size) {
        return Arguments.of(method, target, status, size, new String[0]);
    }

    @ParameterizedTest(name = "{0} {1} ({4}) -> {2}")
    @MethodSource("requests")
    void isRefusedWithTheRightProblemAndCountsNothing(String method, String target, int status, int bodySize,
            String[] headers) {
        long before = LocalSystem.storedCount();

        RawHttp.Reply reply = new RawHttp(LocalSystem.BASE).send(method, target, new byte[bodySize], headers);

        assertEquals(status, reply.status(), () -> "answered " + reply);
        Responses.assertProblem(status, reply.header("Content-Type"), reply.body());
        if (status == 405) {
            assertTrue(reply.header("Allow") != null && !reply.header("Allow").isBlank(),
                    () -> "a 405 says which methods would do, in Allow: " + reply);
        }
        assertEquals(before, LocalSystem.storedCount(), "a refused request must not change the count");
    }
}
