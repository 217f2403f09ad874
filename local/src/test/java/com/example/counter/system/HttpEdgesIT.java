package com.example.counter.system;

import static com.example.counter.testsupport.Responses.assertContentType;
import static com.example.counter.testsupport.Responses.assertStatus;
import static com.example.counter.testsupport.Responses.count;
import static com.example.counter.testsupport.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.RawHttp;

/**
 * The edges of RFC 9110 that a counter meets, on requests that are not refused: what is ignored,
 * what is answered without a body, and how content negotiation reads q-values. (The refusals are
 * in {@link HostileRequestsIT}.) Every answer is also checked against the OpenAPI document.
 */
@ExtendWith(LocalSystem.class)
class HttpEdgesIT {

    private final Http http = LocalSystem.http();

    @Test
    void qZeroRulesATypeOutAndTheMostSpecificRangeWins() {
        HttpResponse<String> response = http.get("/", "text/plain;q=0, */*");

        assertStatus(200, response);
        assertContentType("application/json", response);
        json(response);
    }

    @Test
    void headOfTheCountAnswersItsHeadersWithoutABody() {
        HttpResponse<String> response = http.method("HEAD", "/");

        assertStatus(200, response);
        assertContentType("text/plain", response);
        assertEquals("", response.body());
    }

    @Test
    void optionsListsTheMethodsAndCountsNothing() {
        long before = LocalSystem.storedCount();

        HttpResponse<String> root = http.method("OPTIONS", "/");
        HttpResponse<String> inc = http.method("OPTIONS", "/inc");

        assertStatus(204, root);
        assertEquals("GET, HEAD, OPTIONS", root.headers().firstValue("Allow").orElse(""));
        assertStatus(204, inc);
        assertTrue(inc.headers().firstValue("Allow").orElse("").contains("POST"), inc.headers().map().toString());
        assertEquals(before, LocalSystem.storedCount(), "OPTIONS must not increment");
    }

    @Test
    void rangeAndDateConditionsAreIgnoredAndTheWholeCountIsTheAnswer() {
        for (String[] header : new String[][] {{"Range", "bytes=0-0"}, {"If-Range", "\"x\""},
            {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}, {"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"},
            {"If-None-Match", "\"abc\""}, {"If-Match", "*"}}) {
            HttpResponse<String> response = http.send(http.request("/").header(header[0], header[1]).GET().build());
            assertStatus(200, response);
            count(response);
        }
    }

    @Test
    void ifNoneMatchStarIsNotModifiedForAGetAndCountsNothingOnInc() {
        long before = LocalSystem.storedCount();

        HttpResponse<String> read = http.send(http.request("/").header("If-None-Match", "*").GET().build());
        HttpResponse<String> inc = http.send(http.request("/inc").header("If-None-Match", "*").GET().build());

        assertStatus(304, read);
        assertStatus(304, inc);
        assertEquals(before, LocalSystem.storedCount(), "a failed precondition must not increment");
    }

    @Test
    void aSmallBodyOnAnIncrementIsReadThenIgnored() {
        long before = LocalSystem.storedCount();

        HttpResponse<String> response = http.send(http.request("/inc")
                .POST(HttpRequest.BodyPublishers.ofString("ignored")).build());

        assertEquals(before + 1, count(response));
    }

    @Test
    void aWellFormedChunkedBodyIsReadThenIgnored() {
        long before = LocalSystem.storedCount();

        RawHttp.Reply reply = new RawHttp(LocalSystem.BASE).sendFramed("POST", "/inc",
                "3\r\nabc\r\n0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "Transfer-Encoding: chunked");

        assertEquals(200, reply.status(), reply::toString);
        assertEquals(before + 1, LocalSystem.storedCount());
    }

    @Test
    void duplicatedAcceptHeadersAreOneList() {
        RawHttp.Reply reply = new RawHttp(LocalSystem.BASE).send("GET", "/", "Accept: text/plain;q=0",
                "Accept: application/json");

        assertEquals(200, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply::toString);
    }
}
