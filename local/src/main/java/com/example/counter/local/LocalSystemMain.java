package com.example.counter.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import com.example.counter.localredis.LocalRedis;

/**
 * Runs the whole system in the foreground: a Redis master and replica, then the Liberty server
 * with both services (or, with {@code counter.local.liberty=false}, Redis alone, for services
 * running in {@code liberty:dev}). Ctrl-C (or SIGTERM) stops all of it; nothing is left running.
 *
 * <p>Started by {@code ./mvnw -Prun package} (or {@code -Predis}) in its own JVM, so that its
 * shutdown hook runs whatever Maven does on Ctrl-C. local/pom.xml sets the system properties
 * {@code counter.local.wlp-dir}, {@code counter.local.server-name}, {@code counter.local.liberty},
 * {@code counter.local.redis.dir}, {@code counter.local.redis.master-port} and
 * {@code counter.local.redis.replica-port} ({@code counter.redis-server} picks the binary, see
 * {@code RedisServerBinary}), and the environment variable {@code COUNTER_LOCAL_REDIS_PASSWORD}.
 */
public final class LocalSystemMain {

    private static final Logger LOG = Logger.getLogger(LocalSystemMain.class.getName());

    private LocalSystemMain() {
    }

    public static void main(String[] args) throws Exception {
        Path wlp = Path.of(required("counter.local.wlp-dir"));
        String serverName = required("counter.local.server-name");
        int masterPort = Integer.parseInt(required("counter.local.redis.master-port"));
        int replicaPort = Integer.parseInt(required("counter.local.redis.replica-port"));
        Path redisDir = Path.of(required("counter.local.redis.dir"));

        // From the environment, not a -D option: the command line is visible to every user (ps).
        String password = Objects.requireNonNullElse(System.getenv("COUNTER_LOCAL_REDIS_PASSWORD"), "");
        LocalRedis redis = LocalRedis.start(redisDir, masterPort, replicaPort, password, List.of());
        LOG.info(() -> "Redis master on 127.0.0.1:" + masterPort + ", replica on 127.0.0.1:" + replicaPort
                + ", data in " + redisDir.toAbsolutePath());

        if (!Boolean.parseBoolean(required("counter.local.liberty"))) {
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "local-redis-shutdown"));
            Thread.currentThread().join(); // until Ctrl-C
        }
        Process liberty;
        try {
            liberty = startLiberty(wlp, serverName);
        } catch (RuntimeException | IOException e) {
            redis.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(liberty, redis), "local-system-shutdown"));
        System.exit(liberty.waitFor());
    }

    private static Process startLiberty(Path wlp, String serverName) throws IOException {
        Path script = wlp.resolve("bin").resolve("server");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing: build with ./mvnw -Prun package");
        }
        ProcessBuilder server = new ProcessBuilder(script.toString(), "run", serverName).inheritIO();
        // The Liberty script needs a JDK: the one running this launcher.
        server.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return server.start();
    }

    /** Liberty first (it finishes the requests it accepted), then the replica and the master. */
    private static void stopAll(Process liberty, LocalRedis redis) {
        try {
            if (liberty.isAlive()) {
                liberty.destroy();
                if (!liberty.waitFor(60, TimeUnit.SECONDS)) {
                    liberty.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            liberty.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            redis.close();
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + property + " is not set");
        }
        return value;
    }
}
