package com.example.counter.web;

import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.example.counter.db.ICountDB;
import com.example.counter.rest.Count;
import com.example.counter.rest.Problem;

/**
 * The count as a stream of events for the live page, one feed per server: a single poll of the read
 * endpoint every {@code counter.events.interval} ms while anyone listens, broadcast to every open
 * page. A thousand open pages cost one Redis read per interval, not a thousand.
 *
 * <p>Why a poll rather than Redis pub/sub: it reads where every read goes (the read endpoint, the
 * query side of the CQRS split), needs no change to the write side and no dedicated connection,
 * cannot miss an update while a subscription is being re-established, and heals by itself after
 * an outage; its cost is a bounded delay of one interval.
 *
 * <p>Events: {@code count} with {@code {"count":3}} when the count changes (and at least every
 * {@code counter.events.heartbeat} ms, which also keeps proxies from closing an idle stream), and
 * {@code unavailable} with problem details when Redis cannot answer.
 */
@ApplicationScoped
public class CountFeed {

    private static final Logger LOG = Logger.getLogger(CountFeed.class.getName());
    static final String COUNT = "count";
    static final String UNAVAILABLE = "unavailable";

    @Inject
    ICountDB db;

    @Inject
    @ConfigProperty(name = "counter.events.interval")
    long intervalMillis;

    @Inject
    @ConfigProperty(name = "counter.events.heartbeat")
    long heartbeatMillis;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Jsonb jsonb = JsonbBuilder.create();
    private final AtomicInteger listeners = new AtomicInteger();
    private Sse sse;
    private SseBroadcaster broadcaster;
    private ScheduledFuture<?> poll;
    /** The last event sent, and when: an unchanged count is sent again only as a heartbeat. */
    private OutboundSseEvent last;
    private long lastSentAt;

    /** Adds a page's stream: it gets the current state at once, then every change. */
    public synchronized void subscribe(SseEventSink sink, Sse sse) {
        if (broadcaster == null) {
            this.sse = sse;
            broadcaster = sse.newBroadcaster();
            broadcaster.onClose(closed -> listeners.decrementAndGet());
            broadcaster.onError((failed, error) -> failed.close());
            poll = scheduler.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
        listeners.incrementAndGet();
        broadcaster.register(sink);
        scheduler.execute(() -> sink.send(read()));
    }

    /** One read for all listeners, broadcast if it says something new (or a heartbeat is due). */
    void poll() {
        if (listeners.get() <= 0) {
            return;
        }
        OutboundSseEvent event = read();
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (last != null && sameAs(last, event) && now - lastSentAt < heartbeatMillis) {
                return;
            }
            last = event;
            lastSentAt = now;
        }
        broadcaster.broadcast(event);
    }

    private OutboundSseEvent read() {
        try {
            return event(COUNT, jsonb.toJson(new Count(db.get())));
        } catch (RuntimeException e) {
            // FailureMapper's distinction (503 for an outage, 500 for a bug) does not apply to a
            // stream; either way the page says the counter is unavailable and waits.
            LOG.log(Level.FINE, e, () -> "count for the event stream: " + e);
            return event(UNAVAILABLE, Problem.of(503, "The count store is unavailable; the page retries by itself.")
                    .toJson());
        }
    }

    private OutboundSseEvent event(String name, String json) {
        return sse.newEventBuilder()
                .name(name)
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, json)
                .reconnectDelay(intervalMillis * 2)
                .build();
    }

    private static boolean sameAs(OutboundSseEvent a, OutboundSseEvent b) {
        return Objects.equals(a.getName(), b.getName()) && Objects.equals(a.getData(), b.getData());
    }

    @PreDestroy
    synchronized void close() {
        if (poll != null) {
            poll.cancel(false);
        }
        if (broadcaster != null) {
            broadcaster.close();
        }
        try {
            jsonb.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing JSON-B", e);
        }
    }
}
