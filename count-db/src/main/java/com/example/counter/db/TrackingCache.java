package com.example.counter.db;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Logger;

import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.PushMessageTypes;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Values of one Redis endpoint kept in memory exactly as long as Redis's client-side caching says
 * they have not changed. One RESP3 connection with {@code CLIENT TRACKING ON} reads the keys
 * ({@code GET}); from then on Redis pushes an invalidation on that connection as soon as one of
 * them changes, and a listener thread, which reads everything that arrives on the connection in
 * order, drops the key from memory. So a value from memory trails the endpoint only by the time its
 * invalidation takes to arrive, the same trip a reply to a {@code GET} makes. Nothing expires by age;
 * what can go wrong with the connection is handled instead:
 * <ul>
 * <li>When it breaks or closes, everything in memory goes with it: changes made while it is down
 * would never be announced. Reads go to the endpoint's pool until the listener is connected again.</li>
 * <li>A connection that stays silent (a hung server, a cut network) announces nothing either, so a
 * value is served from memory only while Redis was heard on the connection within the endpoint's
 * timeout; the next read asks Redis and finds out, as a read without the cache would.</li>
 * </ul>
 * Jedis's own client-side cache ({@code CacheConfig}) is not used: it requires Redis 7.4, copies
 * each value by Java serialization on every hit, and goes on serving values after the server closed
 * the connection, until the connection is next used.
 */
final class TrackingCache implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TrackingCache.class.getName());

    private final RedisEndpoint endpoint;
    private final JedisClientConfig config;
    private final long timeoutNanos;
    /** The newest tracking connection: connecting, listening, or lost. Null before the first read. */
    private volatile Link link;
    private long lastAttempt;
    private boolean closed;
    /** Whether the loss of the last connection was logged, so that its return is too. */
    private boolean outage;
    /** Whether a failure to turn tracking on was logged (once: Redis before 6 cannot, for one). */
    private boolean refusalLogged;

    /** @param config the endpoint's client settings, with RESP3: only RESP3 carries invalidations on the same connection */
    TrackingCache(RedisEndpoint endpoint, JedisClientConfig config) {
        this.endpoint = endpoint;
        this.config = config;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.getSocketTimeoutMillis());
    }

    /**
     * The value of a key (null if there is none): from memory when tracking vouches for it,
     * otherwise from Redis on the tracking connection, or through {@code uncached} while there is
     * none.
     *
     * @throws JedisException as the endpoint's own pool would: the connection broke, or timed out
     */
    String get(String key, Function<String, String> uncached) {
        Link current = link;
        if (current == null || !current.listening || current.lost) {
            reconnectIfDue(current);
            return uncached.apply(key);
        }
        return current.get(key);
    }

    /**
     * Starts a tracking connection when there is none, or again after one was lost: at once if it
     * had worked, else at most once per timeout (while Redis is down or refuses tracking).
     */
    private synchronized void reconnectIfDue(Link seen) {
        boolean due = link == null
                || link.lost && (link.listening || System.nanoTime() - lastAttempt >= timeoutNanos);
        if (closed || seen != link || !due) {
            return;
        }
        lastAttempt = System.nanoTime();
        link = new Link();
        Thread listener = new Thread(link::listen, "counter-redis-tracking");
        listener.setDaemon(true);
        listener.start();
    }

    private synchronized void linkUp() {
        if (outage) {
            outage = false;
            LOG.info(() -> "Client-side caching of " + endpoint + " works again");
        }
    }

    private synchronized void linkLost(Link gone, Exception cause) {
        if (!gone.listening && !refusalLogged && !closed) {
            refusalLogged = true;
            LOG.warning(() -> "Client-side caching of " + endpoint + " could not start (" + cause
                    + "); reading from Redis and trying again now and then (counter.redis.read-cache=false turns it off)");
        }
        if (!outage && !closed && gone.listening) {
            outage = true;
            LOG.warning(() -> "Client-side caching of " + endpoint + " stopped (" + cause
                    + "); reading from Redis until it is connected again");
        }
    }

    @Override
    public void close() {
        Link last;
        synchronized (this) {
            closed = true;
            last = link;
        }
        if (last != null) {
            last.close(new JedisConnectionException("The Redis client for " + endpoint + " closed"));
        }
    }

    /** One tracking connection, the values it vouches for, and the reads waiting for its replies. */
    private final class Link {

        private final Map<String, Value> values = new ConcurrentHashMap<>();
        /** GETs sent and not answered yet, in the order Redis answers them. */
        private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
        private volatile TrackingConnection connection;
        /** Set once tracking is on, and never cleared: {@link #lost} says when it ended. */
        private volatile boolean listening;
        private volatile boolean lost;
        /** When Redis last sent anything on this connection (System.nanoTime()). */
        private volatile long heardAt;

        String get(String key) {
            Value value = values.get(key);
            if (value != null && !lost && System.nanoTime() - heardAt < timeoutNanos) {
                return value.value;
            }
            return fetch(key);
        }

        private String fetch(String key) {
            Pending read = new Pending(key);
            synchronized (this) {
                if (lost) {
                    throw new JedisConnectionException("The tracking connection to " + endpoint + " was lost");
                }
                pending.add(read);
                try {
                    connection.send(new CommandArguments(Command.GET).key(key));
                } catch (JedisException e) {
                    close(e);
                }
            }
            try {
                return read.reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof JedisException jedis ? jedis : new JedisException(e.getCause());
            } catch (TimeoutException e) {
                JedisConnectionException timedOut = new JedisConnectionException(
                        new SocketTimeoutException("no reply from " + endpoint + " within the timeout"));
                close(timedOut);
                throw timedOut;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JedisConnectionException("Interrupted while reading from " + endpoint, e);
            }
        }

        /** The listener: connects, turns tracking on, then reads every reply and invalidation in order. */
        void listen() {
            try {
                connection = new TrackingConnection(this);
                connection.executeCommand(new CommandArguments(Command.CLIENT).add("TRACKING").add("ON"));
                // Invalidations may be hours apart: only a read waits for a reply within the timeout.
                connection.setTimeoutInfinite();
                heardAt = System.nanoTime();
                listening = true;
                linkUp();
                while (!lost) {
                    Object reply;
                    try {
                        reply = connection.receive();
                    } catch (JedisDataException refused) { // this GET only (WRONGTYPE...): the connection is fine
                        pending.remove().reply.completeExceptionally(refused);
                        continue;
                    }
                    heardAt = System.nanoTime();
                    Pending read = pending.remove();
                    String value = reply == null ? null : SafeEncoder.encode((byte[]) reply);
                    // The newest the endpoint said: an invalidation of it would come after this reply.
                    values.put(read.key, new Value(value));
                    read.reply.complete(value);
                }
                connection.disconnect(); // closed while it was connecting
            } catch (RuntimeException e) {
                close(e);
            }
        }

        /** An invalidation: these keys changed (all of them, when Redis sends no keys: a flush). */
        void invalidate(List<?> keys) {
            heardAt = System.nanoTime();
            if (keys == null) {
                values.clear();
            } else {
                keys.forEach(key -> values.remove(SafeEncoder.encode((byte[]) key)));
            }
        }

        void close(Exception cause) {
            synchronized (this) {
                if (lost) {
                    return;
                }
                lost = true;
            }
            values.clear();
            linkLost(this, cause);
            if (connection != null) {
                try {
                    connection.disconnect();
                } catch (JedisException gone) {
                    // The listener, seeing the link lost, may drop the connection at the same moment
                    // (or the socket broke): it is gone either way, and a close that threw would
                    // leave the pools after it open at shutdown.
                }
            }
            JedisConnectionException gone = cause instanceof JedisConnectionException broken ? broken
                    : new JedisConnectionException(cause);
            for (Pending read; (read = pending.poll()) != null;) {
                read.reply.completeExceptionally(gone);
            }
        }
    }

    private record Value(String value) {
    }

    private record Pending(String key, CompletableFuture<String> reply) {
        Pending(String key) {
            this(key, new CompletableFuture<>());
        }
    }

    /** A Jedis connection that hands invalidations to its link and lets one thread send while another reads. */
    private final class TrackingConnection extends Connection {

        TrackingConnection(Link link) {
            super(new HostAndPort(endpoint.host(), endpoint.port()), config);
            addPushConsumer(context -> {
                if (java.util.Arrays.equals(context.getMessage().getType(), PushMessageTypes.INVALIDATE_BYTES)) {
                    link.invalidate((List<?>) context.getMessage().getContent().get(1));
                    context.drop();
                }
                return context;
            });
        }

        /** Writes a command without reading its reply: the listener reads it. */
        void send(CommandArguments command) {
            sendCommand(command);
            flush();
        }

        /** The next reply; invalidations that come first go to the link on the way. */
        Object receive() {
            return readProtocolWithCheckingBroken();
        }
    }
}
