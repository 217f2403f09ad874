package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.localredis.RedisNode;
import com.example.counter.testsupport.Contract;

/**
 * {@code GET /events}: every open stream gets the count at once and each new count, and however
 * many are open, the server reads Redis once per interval (1 s), not once per stream.
 */
@ExtendWith(LocalSystem.class)
class EventStreamIT {

    private static final int STREAMS = 25;
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void manyStreamsShareOnePollAndAllFollowAnIncrement() throws Exception {
        List<List<String>> received = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<HttpResponse<Stream<String>>>> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            List<String> lines = new CopyOnWriteArrayList<>();
            received.add(lines);
            streams.add(client.sendAsync(HttpRequest.newBuilder(LocalSystem.BASE.resolve("/events"))
                            .header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines())
                    .whenComplete((response, failure) -> {
                        if (response != null) {
                            Thread reader = new Thread(() -> response.body().forEach(lines::add), "sse-reader");
                            reader.setDaemon(true);
                            reader.start();
                        }
                    }));
        }
        try {
            for (var stream : streams) {
                HttpResponse<Stream<String>> response = stream.get();
                assertEquals(200, response.statusCode());
                Contract.get().check("GET", response.uri(), response.statusCode(),
                        name -> response.headers().firstValue(name).orElse(null), null);
            }
            long count = LocalSystem.storedCount();
            await("every stream to get the current count").atMost(Duration.ofSeconds(10))
                    .until(() -> received.stream().allMatch(lines -> lines.contains("data: {\"count\":" + count + "}")));

            long readsBefore = reads();
            Thread.sleep(4000);
            long reads = reads() - readsBefore;
            assertTrue(reads <= 8, STREAMS + " open streams made " + reads + " Redis reads in 4 s: one poll per "
                    + "server and second is at most about 4 (plus the odd readiness probe)");

            long next = Long.parseLong(LocalSystem.http().post("/inc").body());
            await("every stream to follow the increment").atMost(Duration.ofSeconds(10))
                    .until(() -> received.stream().allMatch(lines -> lines.contains("data: {\"count\":" + next + "}")));
            assertTrue(received.get(0).contains("event: count"), "named events: " + received.get(0));
        } finally {
            streams.forEach(stream -> stream.thenAccept(response -> response.body().close()));
        }
    }

    /** GET commands served so far by both Redis nodes (the read endpoint, or the master after a fallback). */
    private static long reads() {
        return calls(LocalSystem.redis().replica()) + calls(LocalSystem.redis().master());
    }

    private static long calls(RedisNode node) {
        return node.info("commandstats", "cmdstat_get")
                .map(stats -> Long.parseLong(stats.replaceAll("^calls=(\\d+),.*$", "$1")))
                .orElse(0L);
    }
}
