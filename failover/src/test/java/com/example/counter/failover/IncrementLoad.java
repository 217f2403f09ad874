package com.example.counter.failover;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import com.example.counter.testsupport.Http;

/**
 * Clients that increment with an {@code Idempotency-Key} each, as {@code incrementExactlyOnce} does:
 * after a 503 or a lost or timed-out request they retry with the same key, until a 200 or the end.
 * Every 200 is recorded (key and count), and every attempt's time and outcome for {@link Outage}.
 */
final class IncrementLoad implements AutoCloseable {

    /** Well above the server's own bound (twice counter.redis.timeout): only a hang reaches it. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final long RETRY_PAUSE_MS = 50;

    /** One request: when it was sent and answered (System.nanoTime), and whether it was a 200. */
    record Attempt(long start, long end, boolean ok) {
    }

    /** A 200: the count it answered, and when (System.nanoTime). */
    record Ack(long count, long at) {
    }

    private final Http http;
    private final ExecutorService threads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Future<Void>> workers;
    private final Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final Queue<String> wrong = new ConcurrentLinkedQueue<>();

    IncrementLoad(Http http, int clients) {
        this.http = http;
        this.threads = Executors.newFixedThreadPool(clients);
        this.workers = IntStream.range(0, clients).mapToObj(i -> threads.submit(this::client)).toList();
    }

    private Void client() throws InterruptedException {
        while (running.get()) {
            String key = UUID.randomUUID().toString();
            while (running.get() && !incremented(key)) {
                Thread.sleep(RETRY_PAUSE_MS);
            }
        }
        return null;
    }

    private boolean incremented(String key) {
        HttpRequest request = http.request("/inc").timeout(REQUEST_TIMEOUT)
                .header("Idempotency-Key", "\"" + key + "\"")
                .header("Accept", "text/plain")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request);
            boolean ok = response.statusCode() == 200;
            long end = System.nanoTime();
            attempts.add(new Attempt(start, end, ok));
            if (ok) {
                acknowledged.put(key, new Ack(Long.parseLong(response.body().strip()), end));
            } else if (response.statusCode() != 503) {
                wrong.add("POST /inc answered " + response.statusCode() + ": " + response.body());
            }
            return ok;
        } catch (UncheckedIOException e) {
            // Refused or timed out: a retry with the same key is what a client should do.
            attempts.add(new Attempt(start, System.nanoTime(), false));
            return false;
        } catch (AssertionError e) {
            // A response outside the API's contract (Contract, in Http.send).
            attempts.add(new Attempt(start, System.nanoTime(), false));
            wrong.add(e.getMessage());
            return false;
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Stops the clients; each finishes the attempt it is in. */
    void stop() throws Exception {
        running.set(false);
        for (Future<Void> worker : workers) {
            worker.get(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        }
    }

    /** Every key answered 200, with the count it was answered. */
    Map<String, Long> acknowledged() {
        Map<String, Long> counts = new HashMap<>();
        acknowledged.forEach((key, ack) -> counts.put(key, ack.count()));
        return counts;
    }

    /** When the key was answered 200. */
    long acknowledgedAt(String key) {
        return acknowledged.get(key).at();
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Answers other than 200 and 503, and responses that break the contract. */
    List<String> wrongAnswers() {
        return List.copyOf(wrong);
    }

    @Override
    public void close() {
        running.set(false);
        threads.shutdownNow();
    }
}
