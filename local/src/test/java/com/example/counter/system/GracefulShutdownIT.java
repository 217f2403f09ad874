package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.counter.testsupport.Http;
import com.example.counter.testsupport.RawHttp;
import com.example.counter.testsupport.Scrape;

/**
 * Stopping a server while it works on requests: the requests it accepted are answered, none is cut
 * off. Uses a server of its own (the build prepares it), so the other tests keep theirs.
 */
@ExtendWith(LocalSystem.class)
class GracefulShutdownIT {

    private static final int IN_FLIGHT = 8;
    private static final Path WLP = Path.of(System.getProperty("counter.test.wlp-dir", "target/liberty/wlp"));
    private static final String SERVER = System.getProperty("counter.test.shutdown.server", "counter-shutdown-it");
    private static final int PORT = Integer.getInteger("counter.test.shutdown.http.port", 19083);
    private static final URI BASE = URI.create("http://localhost:" + PORT);
    private static final int MANAGEMENT_PORT = Integer.getInteger("counter.test.shutdown.management.port", 19183);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(5);

    private static int server(String action) throws IOException, InterruptedException {
        ProcessBuilder command = new ProcessBuilder(WLP.resolve("bin/server").toString(), action, SERVER)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(WLP.resolve("usr/servers/" + SERVER + ".out").toFile()));
        command.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = command.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("server " + action + " " + SERVER + " did not finish");
        }
        return process.exitValue();
    }

    @AfterEach
    void stopServer() throws Exception {
        LocalSystem.redis().master().thaw();
        server("stop");
    }

    @Test
    void requestsInFlightWhenTheServerStopsAreAnsweredNotReset() throws Exception {
        // Same configuration as the other tests' server, on a port of its own, and with a Redis
        // timeout long enough that the requests are surely still running when the stop begins.
        Path overrides = WLP.resolve("usr/servers/" + SERVER + "/configDropins/overrides");
        Files.createDirectories(overrides);
        Files.writeString(overrides.resolve("shutdown-test.xml"), "<server>\n"
                + "  <variable name=\"http.port\" value=\"" + PORT + "\"/>\n"
                + "  <variable name=\"management.port\" value=\"" + MANAGEMENT_PORT + "\"/>\n"
                + "  <variable name=\"counter.redis.timeout\" value=\"" + REDIS_TIMEOUT.toMillis() + "\"/>\n"
                + "</server>\n");
        assertEquals(0, server("start"), "server start " + SERVER);
        Http management = new Http(URI.create("http://localhost:" + MANAGEMENT_PORT)).outsideTheContract();
        await("the second server to be ready").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> management.get("/health/ready").statusCode() == 200);

        // A hung master holds every increment inside the server until the Redis timeout, each on
        // a request thread of its own (the writes share one pipelined connection to Redis).
        double busyBefore = requestThreadsBusy(management);
        LocalSystem.redis().master().freeze();
        ExecutorService clients = Executors.newFixedThreadPool(IN_FLIGHT);
        List<Future<RawHttp.Reply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < IN_FLIGHT; i++) {
                replies.add(clients.submit(() -> new RawHttp(BASE).send("POST", "/inc")));
            }
            // Most of them are being worked on (the others are still being read or connecting):
            // the server is busy with these requests when it is told to stop.
            await("increments inside the server, waiting on Redis").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> requestThreadsBusy(management) >= busyBefore + IN_FLIGHT / 2);

            long stopStarted = System.nanoTime();
            CompletableFuture<Integer> stopping = CompletableFuture.supplyAsync(() -> {
                try {
                    return server("stop");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            for (Future<RawHttp.Reply> reply : replies) {
                // An IOException here (reset, closed) would be an accepted request cut off.
                RawHttp.Reply answer = reply.get(60, TimeUnit.SECONDS);
                assertTrue(answer.status() == 200 || answer.status() == 503, "an accepted request gets an answer: " + answer);
            }
            assertEquals(0, stopping.get(2, TimeUnit.MINUTES), "server stop " + SERVER);
            assertTrue(Duration.ofNanos(System.nanoTime() - stopStarted).toMillis() > 2000,
                    "the requests should still have been running well after the stop began, or this proves nothing");
            assertTrue(refusesConnections(), "a stopped server takes no new requests");
        } finally {
            clients.shutdownNow();
        }
    }

    /** The server's request threads at work now, from Liberty's thread-pool metric. */
    private static double requestThreadsBusy(Http management) {
        return new Scrape(management.get("/metrics").body()).sum("threadpool_activeThreads");
    }

    private static boolean refusesConnections() {
        try {
            new RawHttp(BASE).send("GET", "/");
            return false;
        } catch (java.io.UncheckedIOException e) {
            return e.getCause() instanceof ConnectException;
        }
    }
}
