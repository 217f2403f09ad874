package com.example.counter.localredis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The local stand-in for the Kubernetes StatefulSet: one master and one read-only replica on
 * loopback. The master takes the writes, the replica the reads, as {@code redis-0} and the
 * {@code redis} Service do in a cluster.
 */
public final class LocalRedis implements AutoCloseable {

    private final RedisNode master;
    private final RedisNode replica;

    private LocalRedis(RedisNode master, RedisNode replica) {
        this.master = master;
        this.replica = replica;
    }

    /**
     * Starts a master on {@code masterPort} and its replica on {@code replicaPort}, with their data
     * under {@code dir}, and waits until the replica is in sync.
     */
    public static LocalRedis start(Path dir, int masterPort, int replicaPort, String password, List<String> extraConfig) {
        Path binary = RedisServerBinary.locate(dir.resolve("bin"));
        RedisNode master = RedisNode.master(binary, masterPort, dir.resolve("master"), password, extraConfig).start();
        RedisNode replica = RedisNode.replica(binary, replicaPort, dir.resolve("replica"), password, masterPort,
                extraConfig);
        try {
            replica.start().awaitInSyncWith(master, Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            replica.stop();
            master.stop();
            throw e;
        }
        return new LocalRedis(master, replica);
    }

    /**
     * Starts the topology that a Maven build configured for its integration tests, from the system
     * properties {@code counter.test.redis.dir}, {@code .master.port}, {@code .replica.port} and
     * {@code .password}.
     */
    public static LocalRedis startForTests() {
        return start(Path.of(System.getProperty("counter.test.redis.dir", "target/redis")),
                Integer.getInteger("counter.test.redis.master.port", 16379),
                Integer.getInteger("counter.test.redis.replica.port", 16380),
                System.getProperty("counter.test.redis.password", ""),
                List.of());
    }

    /** Makes sure both nodes run (a test may have stopped one) and the replica is in sync. */
    public void ensureRunning() {
        master.start();
        replica.start().awaitInSyncWith(master, Duration.ofSeconds(20));
    }

    public RedisNode master() {
        return master;
    }

    public RedisNode replica() {
        return replica;
    }

    @Override
    public void close() {
        replica.stop();
        master.stop();
    }
}
