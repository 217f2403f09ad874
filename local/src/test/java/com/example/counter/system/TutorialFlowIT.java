package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.client.CounterClient;

/**
 * The original tutorial: {@code curl localhost/inc} printed 1, 2, 3 and {@code curl localhost} then
 * printed 3. Through the Rest Client, against web and web-inc routed as the Ingress routes them.
 */
@ExtendWith(LocalSystem.class)
class TutorialFlowIT {

    @Test
    void threeIncrementsThenTheCountReadsTheLastOne() throws Exception {
        try (CounterClient counter = LocalSystem.client()) {
            long n = counter.count();

            assertEquals(n + 1, counter.increment(), "first increment");
            assertEquals(n + 2, counter.increment(), "second increment");
            assertEquals(n + 3, counter.increment(), "third increment");

            // Reads come from the replica: they see n + 3 once it has caught up.
            await("the count to read n + 3").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> counter.count() == n + 3);
            assertEquals(n + 3, counter.count());
        }
    }

    @Test
    void theCurlFlowOverPlainHttp() {
        var http = LocalSystem.http();
        long n = Long.parseLong(http.get("/").body());

        assertEquals(Long.toString(n + 1), http.get("/inc").body(), "GET /inc, as curl sends it");
        assertEquals(Long.toString(n + 2), http.get("/inc").body());
        assertEquals(Long.toString(n + 3), http.get("/inc").body());
        await("curl / to print n + 3").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> http.get("/").body().equals(Long.toString(n + 3)));
    }
}
