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
                request("GET", "/" + "a".repeat(8 * 1024), 404));
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
