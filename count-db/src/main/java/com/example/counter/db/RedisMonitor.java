package com.example.counter.db;

/**
 * What the Redis clients report as they work, for metrics and traces: each command's duration and
 * outcome, and each switch of reads to the master. An interface, so that this module's classes run
 * without a metrics or tracing runtime (unit tests use {@link #NONE}); in a server,
 * {@link RedisObservers} passes each event to {@link RedisMetrics} and {@link RedisTraces}.
 */
public interface RedisMonitor {

    /** Which of the two endpoints served a command. */
    enum Endpoint {
        READ, WRITE;

        /** As a metric label. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How a command ended: answered, refused for now (503), or failed otherwise (bad data, a bug). */
    enum Outcome {
        SUCCESS, UNAVAILABLE, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    RedisMonitor NONE = new RedisMonitor() {
        @Override
        public void commandCompleted(Endpoint endpoint, RedisEndpoint server, String operation, long nanos,
                Outcome outcome) {
        }

        @Override
        public void readFallbackStarted() {
        }

        @Override
        public void readFallbackEnded() {
        }
    };

    /**
     * One Redis command (or one connection's commands, such as INCR with WAIT) took this long. The
     * operation is the command's name (GET, INCR, EVALSHA), as OpenTelemetry's db.operation.name.
     *
     * @param server the server it went to, null while none is known (in Sentinel mode, before a
     *     sentinel named the master)
     */
    void commandCompleted(Endpoint endpoint, RedisEndpoint server, String operation, long nanos, Outcome outcome);

    /** Reads went from the read endpoint to the master. */
    void readFallbackStarted();

    /** Reads went back to the read endpoint. */
    void readFallbackEnded();
}
