package com.example.counter.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The write path to the master: the writes that concurrent requests queue go to Redis together,
 * as one pipeline on one connection, followed by one {@code WAIT} for the whole batch when
 * {@code counter.redis.write.min-replicas} is above 0. Redis applies a pipeline's commands in one
 * pass of its event loop and, with {@code appendfsync always}, fsyncs once before it answers any
 * of them, so a batch costs one round trip and one fsync instead of one of each per increment.
 * What a caller is told does not change:
 * <ul>
 * <li>a write succeeds only with its own reply, which Redis sends after applying it under its
 * fsync policy, and only after the replicas acknowledged the batch when they must;</li>
 * <li>when the connection fails, every write of the batch fails as unavailable (503): each may or
 * may not have been applied, as for any failed write, and none is sent again;</li>
 * <li>a write whose caller stopped waiting before it was sent is never sent.</li>
 * </ul>
 * One thread, started by the first write, sends the batches one after the other, each on a
 * connection borrowed from the pool for it: while one batch is in Redis, the next one gathers. In
 * Sentinel mode that is the pool of the master the sentinels named last, so the batch and its
 * {@code WAIT} go to the same, current master; a batch that the master refused as no longer a
 * writable master ({@code READONLY}, {@code NOREPLICAS}) makes the next one ask the sentinels
 * again ({@link RedisPool#failure}).
 * Callers wait on their own thread, which also reports the write to the {@link RedisMonitor}.
 */
final class PipelinedWriter implements AutoCloseable {

    private final RedisPool master;
    private final int minReplicas;
    private final long waitMillis;
    private final BlockingQueue<Write<?>> queue = new LinkedBlockingQueue<>();
    private Thread sender;
    private boolean closed;

    PipelinedWriter(RedisPool master, int minReplicas, long waitMillis) {
        this.master = master;
        this.minReplicas = minReplicas;
        this.waitMillis = waitMillis;
    }

    /** One queued write: what to append to the pipeline, and its caller's answer. */
    private static final class Write<T> {
        final Function<Pipeline, Response<T>> command;
        final CompletableFuture<T> answer = new CompletableFuture<>();
        Response<T> reply;

        Write(Function<Pipeline, Response<T>> command) {
            this.command = command;
        }

        void append(Pipeline pipeline) {
            reply = command.apply(pipeline);
        }

        /**
         * Its own reply (or Redis's refusal of this one command), unless the batch was not
         * replicated; returns the refusal, if Redis refused it.
         */
        RuntimeException answer(RuntimeException notReplicated) {
            try {
                T value = reply.get();
                if (notReplicated == null) {
                    answer.complete(value);
                } else {
                    answer.completeExceptionally(notReplicated);
                }
                return null;
            } catch (RuntimeException refused) {
                answer.completeExceptionally(refused);
                return refused;
            }
        }
    }

    /**
     * Queues a write for the next batch and waits for its reply, at most the master's timeout (a
     * write still queued then is dropped; one already sent may have been applied).
     *
     * @param operation the command's name, for metrics and traces
     * @param command appends the write to the batch's pipeline
     */
    <T> T write(String operation, Function<Pipeline, Response<T>> command) {
        return master.timed(operation, () -> {
            Write<T> write = new Write<>(command);
            enqueue(write);
            try {
                return write.answer.get(master.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            } catch (TimeoutException e) {
                write.answer.cancel(false);
                throw new CountDBUnavailableException("Redis at " + master.endpoint() + " did not answer within "
                        + master.timeout().toMillis() + "ms", e);
            } catch (InterruptedException e) {
                write.answer.cancel(false);
                Thread.currentThread().interrupt();
                throw new CountDBUnavailableException("Interrupted while waiting for Redis at " + master.endpoint(), e);
            }
        });
    }

    private synchronized void enqueue(Write<?> write) {
        if (closed) {
            throw new CountDBUnavailableException("The Redis client for " + master.endpoint() + " is closed", null);
        }
        queue.add(write);
        if (sender == null) {
            sender = new Thread(this::sendBatches, "counter-redis-writer");
            sender.setDaemon(true);
            sender.start();
        }
    }

    /** A failure the sender recorded, as thrown on the caller's own thread (with its stack). */
    private RuntimeException failure(Throwable cause) {
        if (cause instanceof JedisException jedis) {
            return RedisFailures.translate(master.endpoint(), jedis);
        }
        if (cause instanceof CountDBUnavailableException unavailable) {
            return new CountDBUnavailableException(unavailable.getMessage(), unavailable);
        }
        return new CountDBException("Writing to Redis at " + master.endpoint() + " failed", cause);
    }

    private void sendBatches() {
        List<Write<?>> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                send(batch);
                batch.clear();
            }
        } catch (InterruptedException closing) {
            // close() stops the sender; it fails what is still queued.
        }
    }

    private void send(List<Write<?>> batch) {
        batch.removeIf(write -> write.answer.isDone()); // callers that stopped waiting: never sent
        if (batch.isEmpty()) {
            return;
        }
        RuntimeException notReplicated;
        try (Connection connection = master.borrow()) {
            Pipeline pipeline = new Pipeline(connection);
            batch.forEach(write -> write.append(pipeline));
            Response<Long> replicas = minReplicas > 0 ? pipeline.waitReplicas(minReplicas, waitMillis) : null;
            pipeline.sync();
            notReplicated = replicas == null ? null : notReplicated(replicas);
        } catch (RuntimeException e) {
            // The connection failed (or a bug): what was sent may or may not have been applied.
            if (e instanceof JedisException jedis) {
                master.failure(jedis);
            }
            batch.forEach(write -> write.answer.completeExceptionally(e));
            return;
        }
        JedisException notAMaster = null;
        for (Write<?> write : batch) {
            if (write.answer(notReplicated) instanceof JedisException refused && RedisFailures.notAWritableMaster(refused)) {
                notAMaster = refused;
            }
        }
        if (notAMaster != null) {
            // Here, once, before the next batch borrows a connection: in Sentinel mode this makes
            // the next batch ask the sentinels where the master is now.
            master.failure(notAMaster);
        }
    }

    /** Why the batch must not be acknowledged, or null when enough replicas have it. */
    private RuntimeException notReplicated(Response<Long> replicas) {
        try {
            long acknowledged = replicas.get();
            if (acknowledged >= minReplicas) {
                return null;
            }
            return new CountDBUnavailableException("Redis at " + master.endpoint() + " applied the write but only "
                    + acknowledged + " of " + minReplicas + " replicas acknowledged it within " + waitMillis + "ms", null);
        } catch (JedisException e) {
            return e;
        }
    }

    @Override
    public void close() {
        Thread stopping;
        synchronized (this) {
            closed = true;
            stopping = sender;
        }
        if (stopping != null) {
            stopping.interrupt();
            try {
                stopping.join(master.timeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CountDBUnavailableException closing = new CountDBUnavailableException(
                "The Redis client for " + master.endpoint() + " closed", null);
        for (Write<?> write; (write = queue.poll()) != null;) {
            write.answer.completeExceptionally(closing);
        }
    }
}
