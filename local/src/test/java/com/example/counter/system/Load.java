package com.example.counter.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Client threads that repeat one action until stopped, for the fault tests. */
final class Load implements AutoCloseable {

    private final ExecutorService threads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Future<?>> workers = new ArrayList<>();

    Load(int threads) {
        this.threads = Executors.newFixedThreadPool(threads);
    }

    /** Starts {@code count} threads that run {@code action} in a loop. */
    Load repeat(int count, Runnable action) {
        for (int i = 0; i < count; i++) {
            workers.add(threads.submit(() -> {
                while (running.get()) {
                    action.run();
                }
                return null;
            }));
        }
        return this;
    }

    /** Stops the loops and rethrows the first error a worker hit. */
    void stop(Duration timeout) throws Exception {
        running.set(false);
        for (Future<?> worker : workers) {
            worker.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        running.set(false);
        threads.shutdownNow();
    }
}
