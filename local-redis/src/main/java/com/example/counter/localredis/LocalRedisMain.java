package com.example.counter.localredis;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Starts the local Redis master and replica for {@code ./mvnw -Prun package} and returns, leaving
 * them running until the JVM that called it exits (Ctrl-C included): a shutdown hook stops both.
 *
 * <p>System properties: {@code counter.local.redis.dir}, {@code counter.local.redis.master-port},
 * {@code counter.local.redis.replica-port}, {@code counter.local.redis.password}.
 */
public final class LocalRedisMain {

    private static final Logger LOG = Logger.getLogger(LocalRedisMain.class.getName());

    private LocalRedisMain() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(System.getProperty("counter.local.redis.dir", "target/redis"));
        int masterPort = Integer.getInteger("counter.local.redis.master-port", 16379);
        int replicaPort = Integer.getInteger("counter.local.redis.replica-port", 16380);
        String password = System.getProperty("counter.local.redis.password", "");

        LocalRedis redis = LocalRedis.start(dir, masterPort, replicaPort, password, List.of());
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "local-redis-shutdown"));
        LOG.info(() -> String.format("Redis master on 127.0.0.1:%d, replica on 127.0.0.1:%d, data in %s",
                masterPort, replicaPort, dir.toAbsolutePath()));
    }
}
